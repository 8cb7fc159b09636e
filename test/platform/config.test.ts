import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configDefaults, configOf, type EnvVars } from "../../shared/config";

describe("configOf", () => {
  it("reads the vars of wrangler.toml into typed values", () => {
    const config = configOf(env);
    expect(config.tokens.accessTokenTtlSeconds).toBe(Number(env.ACCESS_TOKEN_TTL_SECONDS));
    expect(config.rateLimits.loginPerIp).toEqual({ limit: 60, windowSeconds: 300 });
    expect(config.calls.stunUrls).toEqual(["stun:stun.cloudflare.com:3478"]);
    expect(config.usesDevMailbox).toBe(true);
  });

  it("parses an env object once and hands back the same config", () => {
    const vars: EnvVars = { MAX_BODY_BYTES: "2048" };
    expect(configOf(vars)).toBe(configOf(vars));
    expect(configOf(vars).http.maxBodyBytes).toBe(2048);
  });

  it("falls back to the defaults for missing or unusable values, as the platform always has", () => {
    const config = configOf({ ACCESS_TOKEN_TTL_SECONDS: "soon", RATE_LIMIT_LOGIN_PER_IP: "many", TURN_TTL_SECONDS: "10" });
    expect(config.tokens.accessTokenTtlSeconds).toBe(configDefaults().accessTokenTtlSeconds);
    expect(config.rateLimits.loginPerIp).toEqual(configDefaults().rateLimitLoginPerIp);
    expect(config.calls.turnTtlSeconds).toBe(configDefaults().turnTtlSeconds);
    expect(config.registration.inviteOnly).toBe(false);
    expect(config.chat.maxGroupMembers).toBe(configDefaults().chatMaxGroupMembers);
  });

  it("opens registration only when REGISTRATION_MODE is unset or open: a misspelt mode is invite-only", () => {
    expect(configOf({}).registration.inviteOnly).toBe(false);
    expect(configOf({ REGISTRATION_MODE: "open" }).registration.inviteOnly).toBe(false);
    expect(configOf({ REGISTRATION_MODE: "invite" }).registration.inviteOnly).toBe(true);
    expect(configOf({ REGISTRATION_MODE: "invte" }).registration.inviteOnly).toBe(true);
  });

  it("derives e-mail link and authenticator names from APP_BASE_URL, else the issuer", () => {
    expect(configOf({ APP_BASE_URL: "https://app.example/", JWT_ISSUER: "https://id.example" }).email).toMatchObject({
      linkBase: "https://app.example",
      totpIssuer: "app.example",
    });
    expect(configOf({ APP_BASE_URL: "", JWT_ISSUER: "not a url" }).email.totpIssuer).toBe("edge-platform");
  });

  it("refuses a var that is not a string, naming it", () => {
    expect(() => configOf({ MAX_BODY_BYTES: 5 as unknown as string })).toThrow(/Invalid configuration.*MAX_BODY_BYTES/);
  });
});
