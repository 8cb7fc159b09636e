import { afterEach, describe, expect, it, vi } from "vitest";
import { CloudflareEmailSender } from "../../shared/email/cloudflare-sender";
import { continueTrace } from "../../shared/observability/trace-context";
import { runInScope, tracedFetch } from "../../shared/observability/trace-scope";
import { testDeps } from "../kit/deps";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("outbound calls carry the trace", () => {
  afterEach(() => vi.restoreAllMocks());

  it("tracedFetch (the TURN adapter's fetcher) sends traceparent and tracestate, keeping the caller's headers", async () => {
    const seen: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      seen.push(new Request(input, init));
      return new Response("{}");
    });
    const trace = continueTrace(`00-${TRACE_ID}-00f067aa0ba902b7-01`, "rojo=1");
    await runInScope({ trace }, () => tracedFetch("https://turn.example/credentials", { method: "POST", headers: { authorization: "Bearer k" }, body: "{}" }));
    await tracedFetch("https://turn.example/credentials");
    expect(seen[0]!.headers.get("traceparent")).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
    expect(seen[0]!.headers.get("tracestate")).toBe("rojo=1");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer k");
    expect(seen[0]!.method).toBe("POST");
    expect(seen[1]!.headers.has("traceparent")).toBe(false);
  });

  it("the video host's Stream REST calls (a tus direct upload) carry the trace, as the Worker composes it", async () => {
    const seen: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(null, { status: 201, headers: { location: "https://upload.example/tus/v1", "stream-media-id": "v1" } });
    });
    const deps = testDeps({ vars: { CLOUDFLARE_ACCOUNT_ID: "acc", CLOUDFLARE_STREAM_API_TOKEN: "tok" } });
    const trace = continueTrace(`00-${TRACE_ID}-00f067aa0ba902b7-01`);
    const options = { videoId: "video-1", ownerId: "owner-1", maxDurationSeconds: 60, requireSignedURLs: false, length: 1_000 };
    const upload = await runInScope({ trace }, () => deps.videoHost!.createTusUpload(options));
    expect(upload).toEqual({ uid: "v1", url: "https://upload.example/tus/v1" });
    expect(seen[0]!.url).toBe("https://api.cloudflare.com/client/v4/accounts/acc/stream?direct_user=true");
    expect(seen[0]!.headers.get("traceparent")).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer tok");
  });

  it("the e-mail adapter names the trace in an X-Traceparent header", async () => {
    const sent: Record<string, unknown>[] = [];
    const binding = { send: async (message: Record<string, unknown>) => void sent.push(message) } as unknown as SendEmail;
    const sender = new CloudflareEmailSender(binding, "no-reply@example.com");
    const mail = { to: "a@example.com", subject: "Hi", text: "Hello" };
    const trace = continueTrace(`00-${TRACE_ID}-00f067aa0ba902b7-01`);
    await runInScope({ trace }, () => sender.send(mail));
    await sender.send(mail);
    expect(sent[0]!.headers).toEqual({ "X-Traceparent": `00-${TRACE_ID}-${trace.spanId}-01` });
    expect(sent[1]!.headers).toBeUndefined();
  });
});
