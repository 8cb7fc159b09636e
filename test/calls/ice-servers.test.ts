import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { iceServersFor } from "../../shared/calls/ice-servers";
import { turnProviderFor } from "../../shared/calls/turn/turn-provider-of";
import { CloudflareTurn, withoutPort53 } from "../../shared/calls/turn/cloudflare-turn";
import { CoturnRestTurn } from "../../shared/calls/turn/coturn-rest";
import { clock } from "../../shared/clock";
import type { EnvVars } from "../../shared/config";
import { testDeps } from "../kit/deps";
import { api, expectProblem, json, registerUser } from "../helpers";

afterEach(() => clock.reset());

const baseEnv = {
  STUN_URLS: "stun:stun.example:3478",
  TURN_URLS: "",
  TURN_TTL_SECONDS: "600",
  TURN_SECRET: undefined,
  CLOUDFLARE_TURN_KEY_ID: "",
  CLOUDFLARE_TURN_API_TOKEN: undefined,
};
/** The calls config of `vars` over the test environment's. */
const callsConfig = (vars: EnvVars) => testDeps({ vars }).config.calls;

async function hmacSha1Base64(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-1" }, false, ["verify", "sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return btoa(String.fromCharCode(...mac));
}

/** A local stand-in for Cloudflare's generate-ice-servers API that records what it was sent. */
function fakeCloudflareApi(answer: (request: Request) => Response | Promise<Response>) {
  const requests: { url: string; authorization: string | null; body: unknown }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push({ url: request.url, authorization: request.headers.get("authorization"), body: await request.clone().json() });
    return answer(request);
  }) as typeof fetch;
  return { fetcher, requests };
}

describe("GET /v1/calls/ice-servers", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/calls/ice-servers"), 401);
  });

  it("with no TURN configured hands out STUN only", async () => {
    const user = await registerUser();
    const response = await api("/v1/calls/ice-servers", { token: user.accessToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await json(response);
    expect(body.iceServers).toEqual([{ urls: testDeps().config.calls.stunUrls }]);
    expect(body.iceServers.some((s: { username?: string }) => s.username)).toBe(false);
    expect(body.ttl).toBe(Number(env.TURN_TTL_SECONDS));
  });
});

describe("coturn TURN REST credentials", () => {
  it("username is expiry:userId and the credential is base64 HMAC-SHA1 of it with TURN_SECRET", async () => {
    const now = Date.UTC(2030, 0, 1);
    const provider = new CoturnRestTurn(["turn:turn.example:3478?transport=udp", "turns:turn.example:5349"], "s3cret", () => now);
    const [server] = await provider.iceServers("user-123", 600);
    expect(server!.urls).toEqual(["turn:turn.example:3478?transport=udp", "turns:turn.example:5349"]);
    expect(server!.username).toBe(`${now / 1000 + 600}:user-123`);
    expect(server!.credential).toBe(await hmacSha1Base64("s3cret", server!.username!));
    // computed independently with Node: createHmac("sha1", "s3cret").update("1893456600:user-123").digest("base64")
    expect(server).toEqual({ urls: expect.any(Array), username: "1893456600:user-123", credential: "TmtaFmplX/M9RXJgNZrOon1pGgc=" });
  });

  it("is chosen when TURN_URLS and TURN_SECRET are set, with the configured TTL, after STUN", async () => {
    const config = { ...baseEnv, TURN_URLS: "turn:127.0.0.1:3478?transport=udp, turn:127.0.0.1:3478?transport=tcp", TURN_SECRET: "shh" };
    expect(turnProviderFor(callsConfig(config))?.name).toBe("coturn");
    const { iceServers, ttl } = await iceServersFor(testDeps({ vars: config }), "u1");
    expect(ttl).toBe(600);
    expect(iceServers[0]).toEqual({ urls: ["stun:stun.example:3478"] });
    expect(iceServers[1]!.urls).toEqual(["turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"]);
    const expiry = Number(iceServers[1]!.username!.split(":")[0]);
    expect(expiry).toBeGreaterThanOrEqual(Math.floor(clock.now() / 1000) + 599);
    expect(expiry).toBeLessThanOrEqual(Math.floor(clock.now() / 1000) + 601);
  });

  it("needs both the URLs and the secret", () => {
    expect(turnProviderFor(callsConfig({ ...baseEnv, TURN_URLS: "turn:x:3478" }))).toBeNull();
    expect(turnProviderFor(callsConfig({ ...baseEnv, TURN_SECRET: "shh" }))).toBeNull();
  });
});

describe("Cloudflare TURN credentials", () => {
  it("posts the TTL with the bearer token to generate-ice-servers and drops port-53 URLs", async () => {
    const api = fakeCloudflareApi(() =>
      Response.json({
        iceServers: [
          { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
          {
            urls: [
              "turn:turn.cloudflare.com:3478?transport=udp",
              "turn:turn.cloudflare.com:53?transport=udp",
              "turn:turn.cloudflare.com:3478?transport=tcp",
              "turns:turn.cloudflare.com:443?transport=tcp",
              "turn:turn.cloudflare.com:53",
            ],
            username: "cf-user",
            credential: "cf-pass",
          },
        ],
      }),
    );
    const config = { ...baseEnv, TURN_URLS: "turn:ignored:3478", TURN_SECRET: "shh", CLOUDFLARE_TURN_KEY_ID: "key-1", CLOUDFLARE_TURN_API_TOKEN: "token-1" };
    const deps = testDeps({ vars: config, fetch: api.fetcher });
    expect(deps.turn?.name).toBe("cloudflare");
    const { iceServers } = await iceServersFor(deps, "u1");
    expect(api.requests).toEqual([
      { url: "https://rtc.live.cloudflare.com/v1/turn/keys/key-1/credentials/generate-ice-servers", authorization: "Bearer token-1", body: { ttl: 600 } },
    ]);
    expect(iceServers).toEqual([
      { urls: ["stun:stun.example:3478"] },
      { urls: ["stun:stun.cloudflare.com:3478"] },
      {
        urls: ["turn:turn.cloudflare.com:3478?transport=udp", "turn:turn.cloudflare.com:3478?transport=tcp", "turns:turn.cloudflare.com:443?transport=tcp"],
        username: "cf-user",
        credential: "cf-pass",
      },
    ]);
  });

  it("accepts the single-object answer shape too", async () => {
    const api = fakeCloudflareApi(() => Response.json({ iceServers: { urls: ["turn:turn.cloudflare.com:3478"], username: "u", credential: "p" } }));
    const servers = await new CloudflareTurn("k", "t", api.fetcher).iceServers("u1", 60);
    expect(servers).toEqual([{ urls: ["turn:turn.cloudflare.com:3478"], username: "u", credential: "p" }]);
  });

  it("an upstream failure is a 503 turn_unavailable from deps.turn itself, never a 500", async () => {
    const config = { ...baseEnv, CLOUDFLARE_TURN_KEY_ID: "k", CLOUDFLARE_TURN_API_TOKEN: "t" };
    for (const answer of [
      () => new Response("nope", { status: 401 }),
      () => Response.json({ unexpected: true }),
      () => Promise.reject(new TypeError("network down")),
    ]) {
      const api = fakeCloudflareApi(answer as (request: Request) => Response);
      await expect(testDeps({ vars: config, fetch: api.fetcher }).turn!.iceServers("u1", 60)).rejects.toMatchObject({ status: 503, code: "turn_unavailable" });
      await expect(iceServersFor(testDeps({ vars: config, fetch: api.fetcher }), "u1")).rejects.toMatchObject({ status: 503, code: "turn_unavailable" });
    }
  });

  it("port-53 filtering keeps other ports that merely contain 53", () => {
    expect(withoutPort53(["turn:a:53", "turn:a:53?transport=tcp", "turn:a:5349", "turn:a:1053", "stun:a:3478"])).toEqual([
      "turn:a:5349",
      "turn:a:1053",
      "stun:a:3478",
    ]);
  });
});
