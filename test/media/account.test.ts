import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { collectMediaGarbage } from "../../shared/media/garbage-collection";
import { openGroup } from "../chat/fixtures";
import { api, json, registerUser } from "../helpers";
import { openUpload, samples, uniquePng, uploadFile } from "./fixtures";
import { testDeps } from "../kit/deps";

async function deleteAccount(user: { accessToken: string; password: string }) {
  const response = await api("/v1/me", { method: "DELETE", token: user.accessToken, body: { password: user.password } });
  expect(response.status, await response.clone().text()).toBe(204);
}

describe("account export and deletion include media", () => {
  it("the export lists the user's files, gallery images, likes and open uploads", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    const image = await json(await api("/v1/images", { token: alice.accessToken, body: { fileId: file.id, title: "Mine", tags: ["x"] } }));
    const bobsFile = await uploadFile(bob, uniquePng());
    const bobsImage = await json(await api("/v1/images", { token: bob.accessToken, body: { fileId: bobsFile.id, title: "Bob's" } }));
    await api(`/v1/images/${bobsImage.id}/like`, { method: "PUT", token: alice.accessToken });
    const upload = await openUpload(alice, 1000);

    const exported = await json(await api("/v1/me/export", { token: alice.accessToken }));
    expect(exported.modules.media.files).toEqual([expect.objectContaining({ id: file.id, sha256: file.sha256, contentPath: `/v1/files/${file.id}/content` })]);
    expect(exported.modules.media.images).toEqual([expect.objectContaining({ id: image.id, fileId: file.id, title: "Mine", tags: ["x"] })]);
    expect(exported.modules.media.likedImageIds).toEqual([bobsImage.id]);
    expect(exported.modules.media.openUploads).toEqual([expect.objectContaining({ id: upload.split("/").pop(), length: 1000, offset: 0 })]);
  });

  it("deletion removes files, images and likes; bytes nobody else has go after the grace period", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const shared = uniquePng();
    const [own, alsoBobs] = [await uploadFile(alice, uniquePng()), await uploadFile(alice, shared)];
    await uploadFile(bob, shared);
    const bobsFile = await uploadFile(bob, uniquePng());
    const bobsImage = await json(await api("/v1/images", { token: bob.accessToken, body: { fileId: bobsFile.id, title: "Bob's" } }));
    await api(`/v1/images/${bobsImage.id}/like`, { method: "PUT", token: alice.accessToken });
    await api(`/v1/images/${bobsImage.id}/like`, { method: "PUT", token: bob.accessToken });
    const aliceImage = await json(await api("/v1/images", { token: alice.accessToken, body: { fileId: own.id, title: "Alice's" } }));

    await deleteAccount(alice);

    expect((await json(await api(`/v1/images/${bobsImage.id}`))).likeCount).toBe(1);
    expect((await api(`/v1/images/${aliceImage.id}`)).status).toBe(404);
    expect((await api(`/v1/files/${own.id}`, { token: bob.accessToken })).status).toBe(404);
    const count = async (sha: string) =>
      (await env.DB.prepare("SELECT ref_count FROM blobs WHERE sha256 = ?").bind(sha).first<{ ref_count: number }>())?.ref_count;
    expect(await count(alsoBobs.sha256)).toBe(1);
    expect(await count(own.sha256)).toBe(0);

    await collectMediaGarbage(testDeps(), clock.now() + testDeps().config.media.blobGraceSeconds * 1000 + 1000);
    expect(await count(own.sha256)).toBeUndefined();
    expect(await count(alsoBobs.sha256)).toBe(1);
  });

  it("deletion ends open uploads at the next GC run and takes the user's chat attachments from the other members", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const upload = await openUpload(alice, 1000);
    const uploadId = upload.split("/").pop()!;
    const chat = await openGroup(bob, [alice]);
    const attachment = await uploadFile(alice, samples.pdf, { purpose: "attachment", name: "notes.pdf" });
    const sent = await api(`/v1/chats/${chat.id}/messages`, {
      token: alice.accessToken,
      body: { clientId: "a1", text: "notes", attachments: [attachment.id] },
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    expect((await api(`/v1/files/${attachment.id}`, { token: bob.accessToken })).status).toBe(200);

    await deleteAccount(alice);

    expect((await api(`/v1/files/${attachment.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api(`/v1/files/${attachment.id}/content`, { token: bob.accessToken })).status).toBe(404);
    const uploadRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM uploads WHERE id = ?").bind(uploadId).first<{ n: number }>())?.n;
    // the upload waits for the GC run, which aborts its R2 leftovers; no expiry period to sit out
    expect(await uploadRows()).toBe(1);
    const result = await collectMediaGarbage(testDeps(), clock.now());
    expect(result.uploadsExpired).toBeGreaterThanOrEqual(1);
    expect(result.failures).toEqual([]);
    expect(await uploadRows()).toBe(0);
  });
});
