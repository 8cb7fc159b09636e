// Files of end-to-end encrypted chats (docs/e2ee.md, "Files"): encrypted on the device, so their
// bytes are opaque to the server. The `encrypted-attachment` purpose stores them untyped and
// serves them as downloads; dedup is by the SHA-256 the server computes, which fresh keys never repeat.
import { describe, expect, it } from "vitest";
import { encryptFile } from "../../client/e2ee/files";
import { expectProblem, registerUser } from "../helpers";
import { fetchContent, openUpload, patchUpload, postFile, samples, sha256Hex, uploadFile } from "./fixtures";
import { api, json } from "../helpers";

describe("encrypted attachments (purpose encrypted-attachment)", () => {
  it("opaque bytes are stored untyped and served as a download; the same bytes as a plain attachment are refused", async () => {
    const user = await registerUser();
    const ciphertext = crypto.getRandomValues(new Uint8Array(5000));
    const file = await uploadFile(user, ciphertext, { purpose: "encrypted-attachment", name: "encrypted" });
    expect(file).toMatchObject({ contentType: "application/octet-stream", size: 5000, purpose: "encrypted-attachment" });
    expect(file).not.toHaveProperty("width");
    const content = await fetchContent(`/v1/files/${file.id}/content`, { token: user.accessToken });
    expect(content.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(content.headers.get("x-content-type-options")).toBe("nosniff");
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(ciphertext);
    await expectProblem(await postFile(user, ciphertext, { purpose: "attachment" }), 415, "unsupported_media_type");
  });

  it("bytes that begin like a picture are still opaque: the server does not type what it cannot read", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.png, { purpose: "encrypted-attachment" });
    expect(file.contentType).toBe("application/octet-stream");
    expect(file).not.toHaveProperty("width");
  });

  it("no token is 401; an empty body 400", async () => {
    await expectProblem(await postFile(null, crypto.getRandomValues(new Uint8Array(10)), { purpose: "encrypted-attachment" }), 401);
    const user = await registerUser();
    await expectProblem(await postFile(user, new Uint8Array(0), { purpose: "encrypted-attachment" }), 400);
  });

  it("the same picture encrypted twice is two blobs (fresh key and IV); the same ciphertext twice is one, by the hash the server computed", async () => {
    const user = await registerUser();
    const first = await encryptFile(samples.png);
    const second = await encryptFile(samples.png);
    const a = await uploadFile(user, first.ciphertext, { purpose: "encrypted-attachment" });
    const b = await uploadFile(user, second.ciphertext, { purpose: "encrypted-attachment" });
    expect(a.sha256).not.toBe(b.sha256);
    expect(a.sha256).toBe(await sha256Hex(first.ciphertext));
    expect(a.sha256).not.toBe(await sha256Hex(samples.png));
    // A declared hash is only checked, never used to find stored bytes: a wrong one is refused.
    await expectProblem(
      await postFile(user, first.ciphertext, { purpose: "encrypted-attachment", sha256: await sha256Hex(samples.png) }),
      400,
      "checksum_mismatch",
    );
    const again = await uploadFile(user, first.ciphertext, { purpose: "encrypted-attachment" });
    expect(again.sha256).toBe(a.sha256);
    expect(again.id).not.toBe(a.id);
  });

  it("a resumable (tus) upload of an encrypted file makes an opaque file too", async () => {
    const user = await registerUser();
    const ciphertext = crypto.getRandomValues(new Uint8Array(4000));
    const path = await openUpload(user, ciphertext.length, { purpose: "encrypted-attachment", name: "encrypted" });
    const patched = await patchUpload(user, path, 0, ciphertext);
    expect(patched.status, await patched.clone().text()).toBe(204);
    const { fileId } = await json(await api(path, { token: user.accessToken }));
    expect(await json(await api(`/v1/files/${fileId}`, { token: user.accessToken }))).toMatchObject({ contentType: "application/octet-stream", size: 4000 });
  });
});
