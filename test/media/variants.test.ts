import { env } from "cloudflare:workers";
import { imageSize } from "image-size";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, registerUser } from "../helpers";
import { fetchContent, samples, uploadFile } from "./fixtures";

async function dimensionsOf(response: Response) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const size = imageSize(bytes);
  return { width: size.width, height: size.height, type: size.type };
}

describe("image variants on GET /v1/files/:id/content", () => {
  it("resizes within the box, in the asked format", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg);
    const scaled = await fetchContent(`/v1/files/${file.id}/content?width=256`, { token: user.accessToken });
    expect(scaled.status).toBe(200);
    expect(scaled.headers.get("content-type")).toBe("image/webp");
    expect(await dimensionsOf(scaled)).toEqual({ width: 256, height: 171, type: "webp" });
    const square = await fetchContent(`/v1/files/${file.id}/content?width=128&height=128&fit=cover&format=png`, { token: user.accessToken });
    expect(square.headers.get("content-type")).toBe("image/png");
    expect(await dimensionsOf(square)).toEqual({ width: 128, height: 128, type: "png" });
  });

  it("makes each variant once and keeps it in R2 under the bytes' hash and the owner, with its own tag", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg);
    const first = await fetchContent(`/v1/files/${file.id}/content?width=64&format=jpeg`, { token: user.accessToken });
    const etag = first.headers.get("etag")!;
    expect(etag).toBe(`"${file.sha256}-64xauto-scale-down.jpeg"`);
    const bytes = new Uint8Array(await first.arrayBuffer());
    const stored = await env.FILES.get(`variants/${file.sha256}/${user.id}/64xauto-scale-down.jpeg`);
    expect(new Uint8Array(await stored!.arrayBuffer())).toEqual(bytes);
    const again = await fetchContent(`/v1/files/${file.id}/content?width=64&format=jpeg`, { token: user.accessToken, headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("a signed URL carries its variant; changing the size breaks it", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg);
    const { url } = await json(await api(`/v1/files/${file.id}/url?width=512&format=avif`, { token: user.accessToken }));
    const response = await fetchContent(url);
    expect(response.status).toBe(200);
    expect(await dimensionsOf(response)).toMatchObject({ width: 512, height: 341 });
    const bigger = new URL(url);
    bigger.searchParams.set("width", "2048");
    await expectProblem(await fetchContent(bigger.toString()), 403, "invalid_signature");
  });

  it("only sizes from the fixed list, only for images", async () => {
    const user = await registerUser();
    const image = await uploadFile(user, samples.largeJpeg);
    await expectProblem(await fetchContent(`/v1/files/${image.id}/content?width=300`, { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await fetchContent(`/v1/files/${image.id}/content?format=gif`, { token: user.accessToken }), 400, "invalid_query");
    await expectProblem(await fetchContent(`/v1/files/${image.id}/content?fit=stretch`, { token: user.accessToken }), 400, "invalid_query");
    const pdf = await uploadFile(user, samples.pdf, { purpose: "attachment" });
    await expectProblem(await fetchContent(`/v1/files/${pdf.id}/content?width=256`, { token: user.accessToken }), 415, "variant_unsupported");
  });

  it("follows the file's access rule", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    const file = await uploadFile(alice, samples.largeJpeg);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content?width=64`, { token: bob.accessToken }), 404);
    await expectProblem(await fetchContent(`/v1/files/${file.id}/content?width=64`), 401);
  });
});
