import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tinyMp4 } from "../../bench/lib/tiny-mp4.mjs";
import { createPlatformClient, ok, ProblemError, type UploadProgress, type UploadRequest } from "../../client";
import { uniqueIp } from "../helpers";
import { samples } from "../media/samples";

let counter = 0;

/** A platform client against the Worker under test, signed up as a new user; `requests` lists every URL it fetched. */
async function signedUpClient(options: Partial<Parameters<typeof createPlatformClient>[0]> = {}, ip = uniqueIp()) {
  const requests: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    request.headers.set("cf-connecting-ip", ip);
    requests.push(`${request.method} ${new URL(request.url).pathname}`);
    return SELF.fetch(request);
  };
  const client = createPlatformClient({ baseUrl: "http://platform.test", fetch, XMLHttpRequest: null, ...options });
  await client.register({ email: `uploader-${Date.now()}-${counter++}@example.com`, password: `a long passphrase ${Math.random()}`, displayName: "Uploader" });
  return { client, requests };
}

/**
 * A stand-in for the browser's XMLHttpRequest, sending through the Worker under test: it reports
 * the body's progress in two steps, as a browser would for a large body.
 */
function fakeXhrClass(ip: string, seen: { headers: Record<string, string>[] }) {
  return class FakeXhr implements UploadRequest {
    status = 0;
    statusText = "";
    responseText = "";
    upload = { onprogress: null as UploadRequest["onload"] };
    onload: UploadRequest["onload"] = null;
    onerror: UploadRequest["onload"] = null;
    ontimeout: UploadRequest["onload"] = null;
    onabort: UploadRequest["onload"] = null;
    #method = "GET";
    #url = "";
    #headers: Record<string, string> = { "cf-connecting-ip": ip };
    #responseHeaders = "";
    open(method: string, url: string) {
      this.#method = method;
      this.#url = url;
    }
    setRequestHeader(name: string, value: string) {
      this.#headers[name.toLowerCase()] = value;
    }
    getAllResponseHeaders() {
      return this.#responseHeaders;
    }
    abort() {
      this.onabort?.(null);
    }
    send(body: Blob | null) {
      seen.headers.push({ ...this.#headers });
      const total = body?.size ?? 0;
      this.upload.onprogress?.({ lengthComputable: true, loaded: Math.floor(total / 2), total });
      this.upload.onprogress?.({ lengthComputable: true, loaded: total, total });
      void SELF.fetch(this.#url, { method: this.#method, headers: this.#headers, body }).then(
        async (response) => {
          this.status = response.status;
          this.statusText = response.statusText;
          this.responseText = await response.text();
          this.#responseHeaders = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\r\n");
          this.onload?.(null);
        },
        () => this.onerror?.(null),
      );
    }
  };
}

describe("uploadFile", () => {
  it("stores a chat attachment through POST /v1/files and reports the bytes once stored when there is no XMLHttpRequest", async () => {
    const { client } = await signedUpClient();
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile(new Blob([samples.png], { type: "image/png" }), {
      purpose: "attachment",
      name: "cat.png",
      onProgress: (p) => progress.push(p),
    });
    expect(file).toMatchObject({
      name: "cat.png",
      purpose: "attachment",
      contentType: "image/png",
      size: samples.png.length,
      visibility: "private",
      width: 40,
      height: 30,
    });
    expect(progress).toEqual([{ sent: samples.png.length, total: samples.png.length }]);
    const { items } = await (await client.api.v1.files.$get({ query: { purpose: "attachment" } })).json().then((body) => body as { items: { id: string }[] });
    expect(items.map((f) => f.id)).toEqual([file.id]);
  });

  it("a refused file is a ProblemError with the server's code, and no progress is reported", async () => {
    const { client } = await signedUpClient();
    const progress: UploadProgress[] = [];
    const refused = client.uploadFile(new Blob(["just some text"], { type: "text/plain" }), { purpose: "avatar", onProgress: (p) => progress.push(p) });
    await expect(refused).rejects.toBeInstanceOf(ProblemError);
    await expect(refused).rejects.toMatchObject({ status: 415, code: "unsupported_media_type" });
    expect(progress).toEqual([]);
  });

  it("goes through XMLHttpRequest where there is one, with the access token, and forwards its progress", async () => {
    const seen = { headers: [] as Record<string, string>[] };
    const ip = uniqueIp();
    const { client } = await signedUpClient({ XMLHttpRequest: fakeXhrClass(ip, seen) }, ip);
    const progress: UploadProgress[] = [];
    const file = await client.uploadFile(new Blob([samples.pdf], { type: "application/pdf" }), {
      purpose: "attachment",
      name: "plan.pdf",
      onProgress: (p) => progress.push(p),
    });
    expect(file).toMatchObject({ name: "plan.pdf", contentType: "application/pdf", size: samples.pdf.length });
    const half = Math.floor(samples.pdf.length / 2);
    expect(progress).toEqual([
      { sent: half, total: samples.pdf.length },
      { sent: samples.pdf.length, total: samples.pdf.length },
    ]);
    expect(seen.headers[0]?.authorization).toBe(`Bearer ${client.session.session!.accessToken}`);
    expect(seen.headers[0]?.["content-type"]).toBe("application/pdf");
  });
});

describe("fileUrl", () => {
  it("signs a URL that serves the content (or a variant) with no token, and hands the same one out again", async () => {
    const { client, requests } = await signedUpClient();
    const file = await client.uploadFile(new Blob([samples.largeJpeg], { type: "image/jpeg" }), { purpose: "attachment", name: "view.jpg" });
    const original = await client.fileUrl(file.id);
    const thumbnail = await client.fileUrl(file.id, { width: 256 });
    expect(thumbnail).not.toBe(original);

    const bytes = await SELF.fetch(original);
    expect(bytes.status).toBe(200);
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(samples.largeJpeg);
    const resized = await SELF.fetch(thumbnail);
    expect(resized.status).toBe(200);
    expect(resized.headers.get("content-type")).toBe("image/webp");

    const asked = requests.filter((r) => r.endsWith("/url")).length;
    expect(await client.fileUrl(file.id, { width: 256 })).toBe(thumbnail);
    expect(requests.filter((r) => r.endsWith("/url")).length).toBe(asked);
  });

  it("someone who may not read the file gets a ProblemError, not a URL", async () => {
    const { client: owner } = await signedUpClient();
    const { client: stranger } = await signedUpClient();
    const file = await owner.uploadFile(new Blob([samples.png], { type: "image/png" }), { purpose: "attachment" });
    await expect(stranger.fileUrl(file.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe("uploadResumable", () => {
  it("sends a file in tus chunks through POST /v1/uploads, reports each confirmed offset and resolves to the stored file", async () => {
    const { client, requests } = await signedUpClient();
    const bytes = samples.largeJpeg;
    const chunkSize = Math.ceil(bytes.length / 3);
    const progress: UploadProgress[] = [];
    const file = await client.uploadResumable(new Blob([bytes], { type: "image/jpeg" }), {
      purpose: "image",
      name: "große aussicht.jpg",
      chunkSize,
      onProgress: (p) => progress.push(p),
    });
    expect(file).toMatchObject({ name: "große aussicht.jpg", purpose: "image", contentType: "image/jpeg", size: bytes.length, visibility: "private" });
    expect(requests.filter((r) => r.startsWith("PATCH /v1/uploads/"))).toHaveLength(3);
    expect(progress.map((p) => p.sent)).toEqual([chunkSize, 2 * chunkSize, bytes.length]);
    const stored = await SELF.fetch(await client.fileUrl(file.id));
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
  });

  it("a chunk whose connection breaks off is resumed from the offset the server confirms, not sent again from the start", async () => {
    let patches = 0;
    const ip = uniqueIp();
    const requests: string[] = [];
    const { client } = await signedUpClient(
      {
        fetch: (input: RequestInfo | URL, init?: RequestInit) => {
          const request = new Request(input, init);
          request.headers.set("cf-connecting-ip", ip);
          requests.push(`${request.method} ${new URL(request.url).pathname}`);
          if (request.method === "PATCH" && ++patches === 2) return Promise.reject(new TypeError("Network request failed"));
          return SELF.fetch(request);
        },
      },
      ip,
    );
    const bytes = samples.largeJpeg;
    const file = await client.uploadResumable(new Blob([bytes]), { purpose: "image", chunkSize: Math.ceil(bytes.length / 2) });
    expect(requests.filter((r) => r.startsWith("HEAD /v1/uploads/"))).toHaveLength(1);
    expect(patches).toBe(3);
    const stored = await SELF.fetch(await client.fileUrl(file.id));
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
  });

  it("bytes the purpose does not allow are a ProblemError with the server's code", async () => {
    const { client } = await signedUpClient();
    const refused = client.uploadResumable(new Blob([new TextEncoder().encode("just some text, not a picture")]), { purpose: "image" });
    await expect(refused).rejects.toMatchObject({ status: 415, code: "unsupported_media_type" });
  });
});

describe("uploadVideo", () => {
  it("PUTs the bytes to this API with the token where POST /v1/videos says so (local development): the video is processing", async () => {
    const { client } = await signedUpClient();
    const { video, upload } = await ok(client.api.v1.videos.$post({ json: { title: "Clip" } }));
    expect(upload.method).toBe("PUT");
    const progress: UploadProgress[] = [];
    const bytes = tinyMp4();
    await client.uploadVideo(upload, new Blob([bytes], { type: "video/mp4" }), { onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([{ sent: bytes.length, total: bytes.length }]);
    const stored = await ok(client.api.v1.videos[":id"].$get({ param: { id: video.id } }));
    expect(stored.status).toBe("processing");
  });

  it("a refused body is a ProblemError with the server's code", async () => {
    const { client } = await signedUpClient();
    const { upload } = await ok(client.api.v1.videos.$post({ json: { title: "Not a video" } }));
    await expect(client.uploadVideo(upload, new Blob(["plain text, not a video"]))).rejects.toMatchObject({ status: 415 });
  });

  it("posts a multipart `file` to Stream's one-time URL without the platform's token", async () => {
    const seen: { url: string; authorization: string | null; file: File | null }[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.url.startsWith("https://upload.videodelivery.net/")) {
        const form = await request.formData();
        seen.push({ url: request.url, authorization: request.headers.get("authorization"), file: form.get("file") as File | null });
        return new Response(null, { status: 200 });
      }
      return SELF.fetch(request);
    };
    const { client } = await signedUpClient({ fetch });
    const bytes = tinyMp4();
    await client.uploadVideo({ method: "POST", url: "https://upload.videodelivery.net/one-time" }, new File([bytes], "clip.mp4", { type: "video/mp4" }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBeNull();
    expect(seen[0]!.file?.name).toBe("clip.mp4");
    expect(new Uint8Array(await seen[0]!.file!.arrayBuffer())).toEqual(bytes);
  });
});
