import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser } from "../helpers";
import { fetchContent, type FileJson, padded, postFile, samples, sha256Hex, uniquePng, uploadFile } from "./fixtures";

afterEach(() => clock.reset());

async function objectsOfSize(size: number): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix: "blobs/", cursor });
    count += page.objects.filter((object) => object.size === size).length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return count;
}

describe("POST /v1/files", () => {
  it("stores the bytes and reports what they are, not what the client said", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.png, { name: "holiday.pdf", contentType: "application/pdf" });
    expect(file).toMatchObject({
      ownerId: user.id,
      name: "holiday.pdf",
      contentType: "image/png",
      size: samples.png.length,
      sha256: await sha256Hex(samples.png),
      purpose: "image",
      visibility: "private",
      width: 40,
      height: 30,
    });
    expect(new Date(file.createdAt).toISOString()).toBe(file.createdAt);
  });

  it("keeps the same bytes once: two users, two files, one R2 object", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const size = 3000 + Math.floor(Math.random() * 100_000);
    const bytes = uniquePng(size);
    const first = await uploadFile(alice, bytes);
    const second = await uploadFile(bob, bytes);
    expect(first.id).not.toBe(second.id);
    expect(second.sha256).toBe(first.sha256);
    expect(await objectsOfSize(size)).toBe(1);
    const blob = await env.DB.prepare("SELECT ref_count FROM blobs WHERE sha256 = ?").bind(first.sha256).first<{ ref_count: number }>();
    expect(blob?.ref_count).toBe(2);
  });

  it("a declared x-content-sha256 that matches is accepted; one that differs is 400 and stores nothing", async () => {
    const user = await registerUser();
    const bytes = uniquePng(5000);
    const size = bytes.length;
    const wrong = await sha256Hex(uniquePng(5000));
    await expectProblem(await postFile(user, bytes, { sha256: wrong }), 400, "checksum_mismatch");
    expect(await objectsOfSize(size)).toBe(0);
    const list = await json(await api("/v1/files", { token: user.accessToken }));
    expect(list.items).toEqual([]);
    const file = await uploadFile(user, bytes, { sha256: (await sha256Hex(bytes)).toUpperCase() });
    expect(file.sha256).toBe(await sha256Hex(bytes));
  });

  it("refuses bytes that are not allowed for the purpose with 415", async () => {
    const user = await registerUser();
    await expectProblem(await postFile(user, samples.html, { purpose: "image", contentType: "image/png", name: "cat.png" }), 415, "unsupported_media_type");
    await expectProblem(await postFile(user, samples.pdf, { purpose: "avatar" }), 415, "unsupported_media_type");
    await expectProblem(await postFile(user, samples.mp4, { purpose: "image" }), 415, "unsupported_media_type");
    const pdf = await uploadFile(user, samples.pdf, { purpose: "attachment", name: "report.pdf" });
    expect(pdf.contentType).toBe("application/pdf");
  });

  it("an HTML page sent as an attachment is plain text, served as a download with nosniff: it never renders on the platform's origin", async () => {
    const user = await registerUser();
    const page = await uploadFile(user, samples.html, { purpose: "attachment", name: "page.html", contentType: "text/html" });
    expect(page.contentType).toBe("text/plain");
    const served = await fetchContent(`/v1/files/${page.id}/content`, { token: user.accessToken });
    expect(served.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(served.headers.get("content-disposition")).toMatch(/^attachment; filename="page.html"/);
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("goes by the bytes whatever the name and content-type claim: a PDF called photo.png is refused as an image, a PNG called report.pdf is a PNG", async () => {
    const user = await registerUser();
    await expectProblem(await postFile(user, samples.pdf, { purpose: "image", name: "photo.png", contentType: "image/png" }), 415, "unsupported_media_type");
    await expectProblem(await postFile(user, samples.pdf, { purpose: "avatar", name: "me.jpg", contentType: "image/jpeg" }), 415, "unsupported_media_type");
    const png = await uploadFile(user, uniquePng(), { purpose: "attachment", name: "report.pdf", contentType: "application/pdf" });
    expect(png.contentType).toBe("image/png");
    const served = await fetchContent(`/v1/files/${png.id}/content`, { token: user.accessToken });
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("content-disposition")).toMatch(/^inline; filename="report.pdf"/);
    await served.arrayBuffer();
  });

  it("refuses a file over its purpose's size limit with 413 before reading it", async () => {
    const user = await registerUser();
    await expectProblem(await postFile(user, padded(samples.png, 1048577), { purpose: "avatar" }), 413, "file_too_large");
  });

  it("refuses uploads past the storage quota, also when they race", async () => {
    const user = await registerUser();
    const results = await Promise.all([1, 2, 3].map(() => postFile(user, uniquePng(10_000_000), { purpose: "asset" })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 413]);
    await expectProblem(results.find((r) => r.status === 413)!, 413, "quota_exceeded");
    await expectProblem(await postFile(user, uniquePng(4_100_000), { purpose: "asset" }), 413, "quota_exceeded");
    const small = await uploadFile(user, uniquePng(1000));
    expect(small.size).toBe(1000);
  });

  it("limits how many uploads one user starts", async () => {
    const user = await registerUser();
    const results = await Promise.all(Array.from({ length: 26 }, () => postFile(user, uniquePng(500))));
    const limited = results.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    const problem = await expectProblem(limited[0]!, 429, "rate_limited");
    expect(Number(limited[0]!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(problem.retryAfter).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 201)).toHaveLength(25);
  });

  it("needs a content-length", async () => {
    const user = await registerUser();
    // A streamed body has no content-length. It sends its end only once the answer is in: the
    // Worker answers without reading it, and a body still being written into the request then
    // makes workerd log "read end of pipe was aborted" into the test run's output.
    let answered!: () => void;
    const answer = new Promise<void>((resolve) => (answered = resolve));
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await answer;
        controller.close();
      },
    });
    const response = await postFile(user, stream);
    answered();
    await expectProblem(response, 411, "length_required");
  });

  it("401 without a token, 400 for a bad purpose, visibility or hash", async () => {
    const user = await registerUser();
    await expectProblem(await postFile(null, samples.png), 401);
    await expectProblem(await postFile(user, samples.png, { purpose: "wallpaper" }), 400, "invalid_query");
    await expectProblem(await postFile(user, samples.png, { visibility: "everyone" }), 400, "invalid_query");
    await expectProblem(await postFile(user, samples.png, { sha256: "abc" }), 400, "invalid_header");
    await expectProblem(await postFile(user, new Uint8Array()), 400, "empty_upload");
  });
});

describe("GET /v1/files", () => {
  it("lists the caller's own files newest first, by purpose, in pages", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const uploaded: FileJson[] = [];
    for (let i = 0; i < 3; i++) uploaded.push(await uploadFile(alice, uniquePng(1000 + i)));
    const pdf = await uploadFile(alice, samples.pdf, { purpose: "attachment" });
    await uploadFile(bob, uniquePng());
    const first = await json(await api("/v1/files?purpose=image&limit=2", { token: alice.accessToken }));
    expect(first.items.map((f: FileJson) => f.id)).toEqual([uploaded[2]!.id, uploaded[1]!.id]);
    const second = await json(await api(`/v1/files?purpose=image&limit=2&cursor=${first.nextCursor}`, { token: alice.accessToken }));
    expect(second.items.map((f: FileJson) => f.id)).toEqual([uploaded[0]!.id]);
    expect(second.nextCursor).toBeNull();
    const all = await json(await api("/v1/files", { token: alice.accessToken }));
    expect(all.items.map((f: FileJson) => f.id)).toEqual([pdf.id, uploaded[2]!.id, uploaded[1]!.id, uploaded[0]!.id]);
  });

  it("401 without a token, 400 for a bad limit or cursor", async () => {
    const user = await registerUser();
    await expectProblem(await api("/v1/files"), 401);
    await expectProblem(await api("/v1/files?limit=0", { token: user.accessToken }), 400);
    await expectProblem(await api("/v1/files?cursor=nope", { token: user.accessToken }), 400, "invalid_cursor");
  });
});

describe("GET /v1/files/:id", () => {
  it("the owner reads a private file; others get 404; no token gets 401", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    expect(await json(await api(`/v1/files/${file.id}`, { token: alice.accessToken }))).toEqual(file);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: bob.accessToken }), 404, "not_found");
    await expectProblem(await api(`/v1/files/${file.id}`), 401);
    await expectProblem(await api(`/v1/files/${file.id}`, { token: "not-a-token" }), 401);
    await expectProblem(await api("/v1/files/no-such-file", { token: alice.accessToken }), 404);
  });

  it("a public file is readable by anyone, without a token", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng(), { visibility: "public" });
    expect((await api(`/v1/files/${file.id}`, { token: bob.accessToken })).status).toBe(200);
    expect(await json(await api(`/v1/files/${file.id}`))).toEqual(file);
  });

  it("no answer tells whether someone else already stored the same bytes", async () => {
    const [alice, bob, carol] = [await registerUser(), await registerUser(), await registerUser()];
    const known = uniquePng(4000);
    const fresh = uniquePng(4000);
    await uploadFile(alice, known);
    // Bob sends bytes Alice has, Carol bytes nobody has: the same status, headers and fields
    const [again, first] = [await postFile(bob, known, { sha256: await sha256Hex(known) }), await postFile(carol, fresh, { sha256: await sha256Hex(fresh) })];
    expect([again.status, first.status]).toEqual([201, 201]);
    const headerNames = (r: Response) =>
      [...r.headers.keys()].filter((k) => !["x-request-id", "traceparent", "date", "content-length", "location"].includes(k)).sort();
    expect(headerNames(again)).toEqual(headerNames(first));
    const [a, b] = [await json(again), await json(first)];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect(a.ownerId).toBe(bob.id);
    // and a wrong declared hash is the same refusal whether the declared hash is stored or not
    const wrongKnown = await postFile(bob, uniquePng(4000), { sha256: await sha256Hex(known) });
    const wrongNobody = await postFile(bob, uniquePng(4000), { sha256: await sha256Hex(uniquePng(4000)) });
    const [p1, p2] = [await expectProblem(wrongKnown, 400, "checksum_mismatch"), await expectProblem(wrongNobody, 400, "checksum_mismatch")];
    expect(p1.detail).toBe(p2.detail);
  });

  it("knowing a file's hash gives no access to another user's file", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    await expectProblem(await api(`/v1/files/${file.sha256}`, { token: bob.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.sha256}/content`, { token: bob.accessToken }), 404);
  });
});

describe("GET /v1/files/:id/content", () => {
  it("serves the bytes with their type, tag, caching and safety headers", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.png, { name: "фото.png" });
    const response = await fetchContent(`/v1/files/${file.id}/content`, { token: user.accessToken });
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.png);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("etag")).toBe(`"${file.sha256}"`);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("private, no-cache");
    expect(response.headers.get("content-disposition")).toBe(`inline; filename="____.png"; filename*=UTF-8''${encodeURIComponent("фото.png")}`);
  });

  it("anything that is not an image or video is an attachment", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.pdf, { purpose: "attachment", name: 'a "report".pdf' });
    const response = await fetchContent(`/v1/files/${file.id}/content`, { token: user.accessToken });
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="a _report_.pdf"/);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    await response.arrayBuffer();
  });

  it("public bytes are cacheable for ever (a file id never changes its bytes)", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng(), { visibility: "public" });
    const response = await fetchContent(`/v1/files/${file.id}/content`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await response.arrayBuffer();
  });

  it("answers 304 when the tag matches", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng());
    const response = await fetchContent(`/v1/files/${file.id}/content`, { token: user.accessToken, headers: { "if-none-match": `"${file.sha256}"` } });
    expect(response.status).toBe(304);
    expect(response.headers.get("etag")).toBe(`"${file.sha256}"`);
    expect(await response.text()).toBe("");
    const other = await fetchContent(`/v1/files/${file.id}/content`, { token: user.accessToken, headers: { "if-none-match": '"something-else"' } });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
  });

  it("serves single ranges: first bytes, a suffix, and 416 outside the bytes", async () => {
    const user = await registerUser();
    const bytes = uniquePng(10_000);
    const file = await uploadFile(user, bytes);
    const path = `/v1/files/${file.id}/content`;
    const first = await fetchContent(path, { token: user.accessToken, headers: { range: "bytes=0-99" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe("bytes 0-99/10000");
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes.subarray(0, 100));
    const suffix = await fetchContent(path, { token: user.accessToken, headers: { range: "bytes=-10" } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe("bytes 9990-9999/10000");
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.subarray(9990));
    const outside = await fetchContent(path, { token: user.accessToken, headers: { range: "bytes=10000-" } });
    await expectProblem(outside, 416, "range_not_satisfiable");
    expect(outside.headers.get("content-range")).toBe("bytes */10000");
  });

  it("another user's private file is 404, no token 401", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`, { token: bob.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content`), 401);
  });
});

describe("GET /v1/files/:id/url", () => {
  it("gives a URL that serves the content with no token until it expires", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.jpeg);
    const signed = await json(await api(`/v1/files/${file.id}/url?expiresIn=60`, { token: user.accessToken }));
    expect(new Date(signed.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(61_000);
    const response = await fetchContent(signed.url);
    expect(response.status).toBe(200);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(samples.jpeg);
    expect(response.headers.get("cache-control")).toMatch(/^private, max-age=\d+$/);
    clock.advance(61_000);
    await expectProblem(await fetchContent(signed.url), 403, "url_expired");
  });

  it("refuses a URL that was changed, or that names another file", async () => {
    const user = await registerUser();
    const [mine, other] = [await uploadFile(user, uniquePng()), await uploadFile(user, uniquePng())];
    const signed = new URL((await json(await api(`/v1/files/${mine.id}/url`, { token: user.accessToken }))).url);
    const longer = new URL(signed);
    longer.searchParams.set("expires", String(Number(signed.searchParams.get("expires")) + 3600));
    await expectProblem(await fetchContent(longer.toString()), 403, "invalid_signature");
    const elsewhere = new URL(signed);
    elsewhere.pathname = `/v1/files/${other.id}/content`;
    await expectProblem(await fetchContent(elsewhere.toString()), 403, "invalid_signature");
  });

  it("a signed URL of one's own file, pointed at another user's private file, opens nothing", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const [alices, bobs] = [await uploadFile(alice, samples.largeJpeg), await uploadFile(bob, uniquePng())];
    for (const query of ["", "?width=64&format=png"]) {
      const signed = new URL((await json(await api(`/v1/files/${bobs.id}/url${query}`, { token: bob.accessToken }))).url);
      expect((await fetchContent(signed.toString())).status).toBe(200);
      const aimed = new URL(signed);
      aimed.pathname = `/v1/files/${alices.id}/content`;
      await expectProblem(await fetchContent(aimed.toString()), 403, "invalid_signature");
      // with Bob's token as well: the signature grants nothing, the token only what Bob may read
      await expectProblem(await fetchContent(aimed.toString(), { token: bob.accessToken }), 403, "invalid_signature");
      await expectProblem(await fetchContent(`/v1/files/${alices.id}/content${query}`, { token: bob.accessToken }), 404);
    }
    // nor does Alice's blob hash in place of the id
    const byHash = new URL((await json(await api(`/v1/files/${bobs.id}/url`, { token: bob.accessToken }))).url);
    byHash.pathname = `/v1/files/${alices.sha256}/content`;
    await expectProblem(await fetchContent(byHash.toString()), 403, "invalid_signature");
  });

  it("is only given to someone who may read the file; 401 without a token; 400 for a bad expiry", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    await expectProblem(await api(`/v1/files/${file.id}/url`, { token: bob.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${file.id}/url`), 401);
    await expectProblem(await api(`/v1/files/${file.id}/url?expiresIn=0`, { token: alice.accessToken }), 400, "invalid_query");
  });
});

describe("DELETE /v1/files/:id", () => {
  it("the owner deletes a file; its bytes stay while another file uses them", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const bytes = uniquePng();
    const [a, b] = [await uploadFile(alice, bytes), await uploadFile(bob, bytes)];
    expect((await api(`/v1/files/${a.id}`, { method: "DELETE", token: alice.accessToken })).status).toBe(204);
    await expectProblem(await api(`/v1/files/${a.id}`, { token: alice.accessToken }), 404);
    const content = await fetchContent(`/v1/files/${b.id}/content`, { token: bob.accessToken });
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes);
    const blob = await env.DB.prepare("SELECT ref_count, released_at FROM blobs WHERE sha256 = ?")
      .bind(a.sha256)
      .first<{ ref_count: number; released_at: number | null }>();
    expect(blob).toEqual({ ref_count: 1, released_at: null });
  });

  it("someone else's file is 404 and stays; no token is 401", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng());
    await expectProblem(await api(`/v1/files/${file.id}`, { method: "DELETE", token: bob.accessToken }), 404);
    await expectProblem(await api(`/v1/files/${file.id}`, { method: "DELETE" }), 401);
    expect((await api(`/v1/files/${file.id}`, { token: alice.accessToken })).status).toBe(200);
  });
});
