import { imageSize } from "image-size";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { fetchContent, samples, uniquePng, uploadFile } from "./fixtures";

describe("PUT /v1/me/avatar", () => {
  it("sets avatarUrl to a square variant anyone can load", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg, { purpose: "avatar" });
    const response = await api("/v1/me/avatar", { method: "PUT", token: user.accessToken, body: { fileId: file.id } });
    expect(response.status).toBe(200);
    const { user: updated } = await json(response);
    expect(updated.avatarUrl).toBe(`http://platform.test/v1/files/${file.id}/content?width=256&height=256&fit=cover`);
    expect((await json(await api("/v1/me", { token: user.accessToken }))).user.avatarUrl).toBe(updated.avatarUrl);
    const avatar = await fetchContent(updated.avatarUrl);
    expect(avatar.status).toBe(200);
    const size = imageSize(new Uint8Array(await avatar.arrayBuffer()));
    expect([size.width, size.height]).toEqual([256, 256]);
  });

  it("deleting the file clears the avatar", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, uniquePng(), { purpose: "avatar" });
    await api("/v1/me/avatar", { method: "PUT", token: user.accessToken, body: { fileId: file.id } });
    await api(`/v1/files/${file.id}`, { method: "DELETE", token: user.accessToken });
    expect((await json(await api("/v1/me", { token: user.accessToken }))).user.avatarUrl).toBeNull();
  });

  it("refuses another user's file (404), a non-image (400), no token (401), a malformed body (400)", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, uniquePng(), { purpose: "avatar" });
    await expectProblem(await api("/v1/me/avatar", { method: "PUT", token: bob.accessToken, body: { fileId: file.id } }), 404);
    const pdf = await uploadFile(alice, samples.pdf, { purpose: "attachment" });
    await expectProblem(await api("/v1/me/avatar", { method: "PUT", token: alice.accessToken, body: { fileId: pdf.id } }), 400, "invalid_file");
    await expectProblem(await api("/v1/me/avatar", { method: "PUT", body: { fileId: file.id } }), 401);
    await expectProblem(await api("/v1/me/avatar", { method: "PUT", token: alice.accessToken, body: { file: file.id } }), 400, "invalid_body");
  });
});
