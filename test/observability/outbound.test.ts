import { afterEach, describe, expect, it, vi } from "vitest";
import { CloudflareEmailSender } from "../../shared/email/cloudflare-sender";
import { continueTrace } from "../../shared/observability/trace-context";
import { runInScope, tracedFetch } from "../../shared/observability/trace-scope";

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
