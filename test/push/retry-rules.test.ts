import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../shared/push/delivery";
import { checkPushEndpoint, isInternalHost } from "../../shared/push/endpoint-rules";
import { excerptOf, topicOf } from "../../shared/push/events";
import { outcomeOfStatus, retryAfterSeconds } from "../../shared/push/push-sender";
import { testDeps } from "../kit/deps";

describe("retry rules", () => {
  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-11-23T10:00:00Z");
    expect(retryAfterSeconds("7", now)).toBe(7);
    expect(retryAfterSeconds("Mon, 23 Nov 2026 10:00:30 GMT", now)).toBe(30);
    expect(retryAfterSeconds("soon", now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it("waits what the service asked, else doubles from PUSH_RETRY_BASE_SECONDS, at most 15 minutes (an hour when asked)", () => {
    const deps = testDeps({ vars: { PUSH_RETRY_BASE_SECONDS: "5" } });
    expect([1, 2, 3, 4].map((attempt) => retryDelaySeconds(deps, attempt, undefined))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(deps, 20, undefined)).toBe(900);
    expect(retryDelaySeconds(deps, 1, 120)).toBe(120);
    expect(retryDelaySeconds(deps, 1, 86_400)).toBe(3600);
  });

  it("maps push service answers to outcomes", () => {
    const at = (status: number, headers: Record<string, string> = {}) => outcomeOfStatus(new Response(null, { status, headers }), 0);
    expect(at(201)).toEqual({ result: "delivered", status: 201 });
    expect(at(410)).toEqual({ result: "gone", status: 410, reason: "gone_410" });
    expect(at(404)).toMatchObject({ result: "gone" });
    expect(at(429, { "retry-after": "3" })).toEqual({ result: "retry", status: 429, reason: "http_429", retryAfterSeconds: 3 });
    expect(at(503)).toMatchObject({ result: "retry", reason: "http_503" });
    expect(at(413)).toEqual({ result: "refused", status: 413, reason: "http_413" });
  });
});

describe("endpoint rules", () => {
  it("knows internal hosts", () => {
    for (const host of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "192.168.1.1",
      "100.64.0.1",
      "169.254.169.254",
      "0.0.0.0",
      "[::1]",
      "[fe80::1]",
      "[fc00::1]",
      "localhost",
      "printer.local",
      "router",
      "2130706433",
    ]) {
      expect(isInternalHost(host), host).toBe(true);
    }
    for (const host of ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", "8.8.8.8", "[2001:4860::1]"]) {
      expect(isInternalHost(host), host).toBe(false);
    }
  });

  it("URL normalisation cannot smuggle loopback past the rules", () => {
    for (const endpoint of ["https://0x7f000001/x", "https://017700000001/x", "https://127.1/x", "https://[::ffff:7f00:1]/x"]) {
      expect(checkPushEndpoint(endpoint, false).ok, endpoint).toBe(false);
    }
    expect(checkPushEndpoint("https://fcm.googleapis.com/fcm/send/abc", false).ok).toBe(true);
  });
});

describe("topics and excerpts", () => {
  it("a Topic is at most 32 base64url characters, one per chat or call", () => {
    const topic = topicOf("chat", "0195f7a2-8c3e-7b1d-9a4f-2e6c1d0b8a7f");
    expect(topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    expect(topicOf("call", "0195f7a2-8c3e-7b1d-9a4f-2e6c1d0b8a7f")).not.toBe(topic);
  });

  it("an excerpt is at most 140 characters, whole code points", () => {
    expect(excerptOf("  hello\n\n  there ")).toBe("hello there");
    const long = excerptOf("😀".repeat(200));
    expect(Array.from(long)).toHaveLength(140);
    expect(long.endsWith("…")).toBe(true);
  });
});
