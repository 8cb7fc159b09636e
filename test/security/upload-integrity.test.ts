import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { createDatabase } from "../../shared/db/client";
import { blobs, uploads } from "../../shared/db/schema";
import { MIB } from "../../shared/media/part-plan";
import { UPLOAD_LEASE_MS } from "../../shared/media/tus-completion";
import { api, json, registerUser, type TestUser } from "../helpers";
import { openUpload, padded, patchUpload, samples, sha256Hex, TUS, uploadFile } from "../media/fixtures";

// Issue 23, finding 1: whatever tus PATCHes race, stall or lose their lease, a blob's stored bytes
// hash to its recorded sha256, and nothing a losing PATCH wrote stays in R2.

afterEach(() => clock.reset());

const db = () => createDatabase(env.DB);
const idOf = (path: string) => path.split("/").pop()!;

/**
 * A PATCH body that sends `before`, then holds the request open until `release()`, then sends
 * `after`: a client that stalls mid-request (past its lease) and comes back.
 */
function stalledBody(before: Uint8Array, after: Uint8Array) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let step = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (step++ === 0) return controller.enqueue(before);
      await gate;
      if (after.length > 0) controller.enqueue(after);
      controller.close();
    },
  });
  return { body, release };
}

/** Waits until some PATCH holds the upload's lease. */
async function leaseTaken(id: string): Promise<void> {
  for (let tries = 0; !(await db().select().from(uploads).where(eq(uploads.id, id)).get())?.leaseId; tries++) {
    if (tries > 300) throw new Error("the stalled PATCH never took the upload");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The tails R2 still holds for an upload. */
async function tailsOf(id: string): Promise<string[]> {
  const listed = await env.FILES.list({ prefix: `uploads/${id}/` });
  return listed.objects.map((object) => object.key);
}

/** Everything R2 holds for an upload that never made a file: its tails and its own object. */
async function leftoversOf(id: string): Promise<string[]> {
  const own = await env.FILES.head(`blobs/${id}`);
  return [...(await tailsOf(id)), ...(own ? [`blobs/${id}`] : [])];
}

/** The blob recorded for `sha256`, and the SHA-256 of the bytes R2 holds under its key. */
async function storedDigestOf(sha256: string): Promise<{ recorded: string; stored: string }> {
  const blob = await db().select().from(blobs).where(eq(blobs.sha256, sha256)).get();
  expect(blob, "a blob for the honest bytes").toBeDefined();
  const object = await env.FILES.get(blob!.key);
  return { recorded: blob!.sha256, stored: await sha256Hex(new Uint8Array(await object!.arrayBuffer())) };
}

/** A victim uploads the honest bytes later: their file dedups onto the raced upload's blob and serves the honest bytes. */
async function victimGetsHonestBytes(honest: Uint8Array): Promise<void> {
  const victim = await registerUser();
  const file = await uploadFile(victim, honest, { purpose: "asset", name: "victim.png" });
  expect(file.sha256).toBe(await sha256Hex(honest));
  const blob = await db().select().from(blobs).where(eq(blobs.sha256, file.sha256)).get();
  expect(blob?.refCount, "the victim's file shares the raced upload's blob").toBe(2);
  const content = await api(`/v1/files/${file.id}/content`, { token: victim.accessToken });
  expect(content.status).toBe(200);
  const served = new Uint8Array(await content.arrayBuffer());
  expect(served.length).toBe(honest.length);
  expect(await sha256Hex(served)).toBe(file.sha256);
}

/** PATCH A takes the lease with a stalled body, and the lease runs out (its answer is still to come). */
async function stallThenTakeOver(attacker: TestUser, path: string, stalled: { body: ReadableStream<Uint8Array> }, length: number) {
  const losing = patchUpload(attacker, path, 0, stalled.body, { "content-length": String(length) });
  await leaseTaken(idOf(path));
  clock.advance(UPLOAD_LEASE_MS + 1000);
  return { losing };
}

/** The stalled PATCH, released after another took over, is refused with a 4xx (never a 5xx). */
async function expectRefused(losing: Promise<Response>): Promise<void> {
  const lost = await losing;
  const body = await lost.text();
  expect(lost.status, body).toBeGreaterThanOrEqual(400);
  expect(lost.status, body).toBeLessThan(500);
}

/**
 * The rest of the honest bytes from `offset` complete the upload: its file has the honest hash, the
 * blob's stored bytes hash to it, no tail is left, and a victim's later upload of the honest bytes
 * dedups onto that blob and is served them.
 */
async function completesHonestly(attacker: TestUser, path: string, offset: number, honest: Uint8Array): Promise<void> {
  const rest = await patchUpload(attacker, path, offset, honest.subarray(offset));
  expect(rest.status, await rest.text()).toBe(204);
  const { fileId } = await json(await api(path, { token: attacker.accessToken }));
  expect(fileId).toBeTruthy();
  const file = await json(await api(`/v1/files/${fileId}`, { token: attacker.accessToken }));
  expect(file.sha256).toBe(await sha256Hex(honest));
  const { recorded, stored } = await storedDigestOf(file.sha256);
  expect(stored).toBe(recorded);
  expect(await tailsOf(idOf(path))).toEqual([]);
  await victimGetsHonestBytes(honest);
}

describe("a tus PATCH that lost its lease (finding 1)", () => {
  it("cannot replace the tail the PATCH that took over recorded: the upload completes with the honest bytes, and a victim's dedup serves them", async () => {
    const attacker = await registerUser();
    const honest = padded(samples.png, 6000, 2301);
    const evil = padded(samples.png, 6000, 2302);
    const path = await openUpload(attacker, honest.length, { purpose: "asset", name: "honest.png" });

    const stalled = stalledBody(evil.subarray(0, 1000), evil.subarray(1000, 2000));
    const { losing } = await stallThenTakeOver(attacker, path, stalled, 2000);
    const winner = await patchUpload(attacker, path, 0, honest.subarray(0, 2000));
    expect(winner.status, await winner.text()).toBe(204);

    stalled.release();
    await expectRefused(losing);

    await completesHonestly(attacker, path, 2000, honest);
  });

  it("cannot replace a part the PATCH that took over recorded, nor its tail: the upload still completes with the honest bytes", async () => {
    const attacker = await registerUser();
    const honest = padded(samples.png, 11 * MIB, 2303);
    const evil = padded(samples.png, 11 * MIB, 2304);
    const path = await openUpload(attacker, honest.length, { purpose: "asset", name: "big.png" });

    // The stalled PATCH stops inside its first 5 MiB part, and later sends the rest of it and a 1 MiB tail.
    const stalled = stalledBody(evil.subarray(0, 4 * MIB), evil.subarray(4 * MIB, 6 * MIB));
    const { losing } = await stallThenTakeOver(attacker, path, stalled, 6 * MIB);
    const winner = await patchUpload(attacker, path, 0, honest.subarray(0, 6 * MIB));
    expect(winner.status, await winner.text()).toBe(204);
    // The PATCH that took over wrote its part under a number the stalled one can never write.
    const row = await db()
      .select()
      .from(uploads)
      .where(eq(uploads.id, idOf(path)))
      .get();
    const [firstPart] = JSON.parse(row!.parts) as { partNumber: number }[];
    expect(firstPart!.partNumber).toBeGreaterThan(row!.partFence);

    stalled.release();
    await expectRefused(losing);

    await completesHonestly(attacker, path, 6 * MIB, honest);
  });
});

describe("a tus PATCH racing the upload's termination (finding 1)", () => {
  /**
   * A PATCH of `sent` bytes of an upload of `length` stalls after `before`, the upload is
   * terminated, then the PATCH sends the rest: it answers 404 or 410 (never 500) and nothing of the
   * upload stays in R2.
   */
  async function terminatedWhileWriting(length: number, before: number, sent: number): Promise<void> {
    const user = await registerUser();
    const bytes = padded(samples.png, length, length % 9973);
    const path = await openUpload(user, bytes.length, { purpose: "asset", name: "terminated.png" });
    const stalled = stalledBody(bytes.subarray(0, before), bytes.subarray(before, sent));
    const writing = patchUpload(user, path, 0, stalled.body, { "content-length": String(sent) });
    await leaseTaken(idOf(path));
    const terminated = await SELF.fetch(`http://platform.test${path}`, { method: "DELETE", headers: { ...TUS, authorization: `Bearer ${user.accessToken}` } });
    expect(terminated.status).toBe(204);
    stalled.release();
    const answer = await writing;
    expect([404, 410], await answer.text()).toContain(answer.status);
    expect(await leftoversOf(idOf(path))).toEqual([]);
  }

  it("writing a tail: answers 404 or 410 and deletes the tail it wrote", async () => {
    await terminatedWhileWriting(8000, 1000, 3000);
  });

  it("writing a part: answers 404 or 410, not 500, and leaves nothing in R2", async () => {
    await terminatedWhileWriting(8 * MIB, 4 * MIB, 6 * MIB);
  });
});
