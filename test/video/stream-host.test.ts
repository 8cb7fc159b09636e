import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { findVideo } from "../../shared/video/records";
import { StreamVideoHost } from "../../shared/video/stream-video-host";
import { createVideo, receiveVideoContent } from "../../shared/video/videos";
import { registerUser } from "../helpers";
import { depsWith, FakeVideoHost, tinyMp4 } from "./fixtures";

describe("uploads and the watermark profile", () => {
  it("a direct upload asks Stream for signed URLs, the duration limit and the configured watermark", async () => {
    const host = new FakeVideoHost();
    const owner = await registerUser();
    const deps = depsWith(host, { VIDEO_UPLOADS: "direct", VIDEO_WATERMARK_ID: "wm-profile-1", VIDEO_MAX_DURATION_SECONDS: "600" });
    const { video, upload } = await createVideo(deps, owner.id, { title: "marked" });
    expect(upload.method).toBe("POST");
    expect(host.uploadOptions).toEqual([
      { videoId: video.id, ownerId: owner.id, maxDurationSeconds: 600, requireSignedURLs: true, watermarkId: "wm-profile-1" },
    ]);
    expect((await findVideo(deps.db, video.id))!.streamUid).toBe(`fake-${video.id}`);
  });

  it("an upload through the Worker carries the watermark too; without one configured none is asked for", async () => {
    const host = new FakeVideoHost();
    const owner = await registerUser();
    const marked = depsWith(host, { VIDEO_WATERMARK_ID: "wm-profile-2" });
    const { video } = await createVideo(marked, owner.id, { title: "marked" });
    const bytes = tinyMp4();
    await receiveVideoContent(marked, owner.id, video.id, bytes.length, new Response(bytes).body);
    expect(host.uploadOptions.at(-1)?.watermarkId).toBe("wm-profile-2");
    const plain = depsWith(host);
    const second = await createVideo(plain, owner.id, { title: "plain" });
    await receiveVideoContent(plain, owner.id, second.video.id, bytes.length, new Response(bytes).body);
    expect(host.uploadOptions.at(-1)?.watermarkId).toBeUndefined();
    await env.DB.prepare("DELETE FROM videos WHERE stream_uid LIKE 'fake-%'").run();
  });

  it("the Stream binding gets the watermark id and signed URLs on byte uploads (local emulation)", async () => {
    const calls: unknown[] = [];
    const binding = {
      upload: async (_body: ReadableStream, params: unknown) => {
        calls.push(params);
        return {
          id: "uid-1",
          status: { state: "ready", errorReasonCode: "", errorReasonText: "" },
          readyToStream: true,
          duration: 1,
          thumbnail: "",
          hlsPlaybackUrl: "",
          dashPlaybackUrl: "",
        };
      },
    } as unknown as StreamBinding;
    await new StreamVideoHost(binding).uploadBytes(new Response("x").body!, {
      videoId: "v1",
      ownerId: "o1",
      maxDurationSeconds: 60,
      requireSignedURLs: true,
      watermarkId: "wm",
    });
    expect(calls).toEqual([{ creator: "o1", meta: { videoId: "v1" }, requireSignedURLs: true, watermarkId: "wm" }]);
  });
});

describe("tus direct uploads (over 200 MB) through Stream's API", () => {
  it("sends Upload-Length and the metadata Stream reads, and returns the one-time tus URL", async () => {
    const requests: Request[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return new Response(null, { status: 201, headers: { location: "https://upload.videodelivery.net/tus/abc", "stream-media-id": "abc" } });
    }) as typeof fetch;
    const host = new StreamVideoHost({} as StreamBinding, { accountId: "acc", apiToken: "tok", fetch: fetcher });
    const created = await host.createTusUpload({
      videoId: "v1",
      ownerId: "o1",
      maxDurationSeconds: 600,
      requireSignedURLs: true,
      watermarkId: "wm",
      length: 300 * 1024 * 1024,
    });
    expect(created).toEqual({ uid: "abc", url: "https://upload.videodelivery.net/tus/abc" });
    const request = requests[0]!;
    expect(request.url).toBe("https://api.cloudflare.com/client/v4/accounts/acc/stream?direct_user=true");
    expect(request.headers.get("authorization")).toBe("Bearer tok");
    expect(request.headers.get("tus-resumable")).toBe("1.0.0");
    expect(request.headers.get("upload-length")).toBe(String(300 * 1024 * 1024));
    expect(request.headers.get("upload-metadata")).toBe(`maxDurationSeconds ${btoa("600")},requiresignedurls,watermark ${btoa("wm")},name ${btoa("v1")}`);
  });

  it("without the API credentials a large direct upload is 503, not a silent fallback", async () => {
    const owner = await registerUser();
    const deps = depsWith(new StreamVideoHost({} as StreamBinding), { VIDEO_UPLOADS: "direct" });
    await expect(createVideo(deps, owner.id, { title: "big", size: 300 * 1024 * 1024 })).rejects.toMatchObject({
      status: 503,
      code: "video_host_unavailable",
    });
  });
});
