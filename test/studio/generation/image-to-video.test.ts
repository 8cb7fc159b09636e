import { describe, expect, it } from "vitest";
import { detectType } from "../../../shared/media/media-types";
import { api, expectProblem, registerUser, type TestUser } from "../../helpers";
import { generate, newBox, settled } from "./fixtures";

/** The JSON the stand-in MP4 carries in its `free` box. */
function carried(bytes: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder().decode(bytes);
  return JSON.parse(text.slice(text.indexOf("free") + 4));
}

async function content(user: TestUser, fileId: string): Promise<Uint8Array> {
  const response = await api(`/v1/files/${fileId}/content`, { token: user.accessToken });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

describe("image to video with the development provider, end to end", () => {
  it("a completed picture starts a video: source img2vid, the parent named, the provider given the picture", async () => {
    const user = await registerUser();
    const box = await newBox(user);
    const [picture] = await generate(user, box, { modelId: "dev-image", prompt: "a lighthouse", params: { width: 32, height: 32, seed: 3 } });
    const parent = await settled(user, picture!.id);
    expect(parent.status).toBe("completed");

    const [queued] = await generate(user, box, { modelId: "dev-video", prompt: "waves roll in", parentAssetId: parent.id, params: { duration: 10, seed: 4 } });
    expect(queued).toMatchObject({ type: "video", status: "pending", source: "img2vid", parentAssetId: parent.id, modelId: "dev-video" });
    const video = await settled(user, queued!.id, 30_000);
    expect(video).toMatchObject({ status: "completed", type: "video", source: "img2vid", parentAssetId: parent.id, error: null });
    expect((video as unknown as { modelName: string }).modelName).toMatch(/^Development video/);
    const bytes = await content(user, video.fileId!);
    expect((await detectType(bytes))?.mime).toBe("video/mp4");
    // The stand-in video carries what the task was given: the starting picture's content path among it.
    const request = carried(bytes);
    expect(request).toEqual({ prompt: "waves roll in", seed: 4, duration: 10, parent: `/v1/files/${parent.fileId}/content` });
    // Videos get no picture thumbnail.
    expect(video.thumbnailFileId).toBeNull();
  });

  it("without a parent the video is text to video; a parent that is not a completed picture is refused", async () => {
    const user = await registerUser();
    const box = await newBox(user);
    const [queued] = await generate(user, box, { modelId: "dev-video", prompt: "a storm" });
    const video = await settled(user, queued!.id, 30_000);
    expect(video).toMatchObject({ status: "completed", source: "generated", parentAssetId: null });
    const request = carried(await content(user, video.fileId!));
    expect(request.parent).toBeNull();
    const post = (body: unknown) => api(`/v1/studio/boxes/${box}/generate`, { token: user.accessToken, body });
    await expectProblem(await post({ modelId: "dev-video", prompt: "x", parentAssetId: video.id }), 400, "invalid_parent");
    await expectProblem(await post({ modelId: "dev-video", prompt: "x", params: { duration: 7 } }), 400, "invalid_params");
  });
});
