/// <reference types="vite/types/importMeta.d.ts" />
import { describe, expect, it } from "vitest";
import { OIDC_SCOPES } from "../../shared/oauth/scopes";
import { deviceWords, EVENT_WORDS, eventWords, placeWords, SCOPE_WORDS, scopeWords } from "../../web/src/account/activity-words";
import { api, registerUser } from "../helpers";
import { auditDetails } from "../kit/audit";

// Every kind of audit event recorded in shared/, found in the source so that a new kind without
// words fails here rather than showing its raw name in the account's "Recent activity".
const sources = import.meta.glob<string>("../../shared/**/*.ts", { query: "?raw", import: "default", eager: true });
const recordedKinds = new Set<string>();
for (const source of Object.values(sources)) {
  for (const match of source.matchAll(/(?:recordAuditEvent|auditEventQuery)\(\s*[\w.()]+,\s*\{[^}]*?type: "([^"]+)"/g)) recordedKinds.add(match[1]!);
  // The kinds written by a raw insert (calls, videos, a company's last owner) are named as literals there.
  // (video.check and video.captions are queue job kinds, video.other a report category: no audit events.)
  for (const match of source.matchAll(/type: (?:sql(?:<string>)?`'|`)(call|company)\.([a-z_]+)/g)) recordedKinds.add(`${match[1]}.${match[2]}`);
  for (const match of source.matchAll(/"(video\.[a-z_]+)"/g)) if (!/^video\.(check|other|captions)$/.test(match[1]!)) recordedKinds.add(match[1]!);
}
// Prefixes of kinds built from a value (`call.${event}`, `company.verification_${outcome}`): their kinds are listed below.
recordedKinds.delete("call.");
recordedKinds.delete("company.verification_");
// Kinds chosen by a value: `company.verification_${outcome}`, `call.${event}`, a new device or country.
for (const kind of [
  "company.verification_approved",
  "company.verification_rejected",
  "call.answered",
  "call.ended",
  "call.quality",
  "login.new_device",
  "login.new_country",
])
  recordedKinds.add(kind);

describe("recent activity in words", () => {
  it("has words for every kind of audit event the platform records", () => {
    expect(recordedKinds.size).toBeGreaterThan(40);
    expect([...recordedKinds].filter((kind) => !EVENT_WORDS[kind])).toEqual([]);
    for (const kind of ["password.reset_requested", "oauth.consent_granted", "2fa.reset_by_admin"]) expect(recordedKinds.has(kind), kind).toBe(true);
  });

  it("never shows an event's raw name, even for a kind this version does not know", () => {
    expect(eventWords("password.reset_requested")).toBe("Password reset link requested");
    expect(eventWords("oauth.consent_granted")).toBe("You let an app use your account");
    expect(eventWords("something.new_next_year")).toBe("Something changed on your account");
    expect(eventWords("login.failed", { reason: "wrong_password" })).toBe("Sign-in refused: wrong password");
    expect(eventWords("login.succeeded", { method: "passkey" })).toBe("Signed in with a passkey");
    // A role by its word, not the API's value ("admin", "user").
    expect(eventWords("role.changed", { to: "admin" })).toBe("Your role was changed to administrator");
    expect(eventWords("role.changed", { to: "user" })).toBe("Your role was changed to member");
    expect(eventWords("role.changed", { to: "owner-of-everything" })).toBe("Your role was changed to another role");
  });

  it("has words for every scope an app can hold", () => {
    expect(OIDC_SCOPES.filter((scope) => !SCOPE_WORDS[scope])).toEqual([]);
    expect(scopeWords(["openid", "profile", "email"])).toBe("Can know who you are, see your name and picture, see your e-mail address");
    expect(scopeWords(["openid", "calendar:write"])).toBe("Can know who you are, one other permission");
    expect(scopeWords([])).toBe("Can only sign you in");
  });

  it("names a device by its browser and system, and says so when the user agent tells nothing", () => {
    const chromeLinux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const safariPhone =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const edgeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
    const firefoxAndroid = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0";
    expect(deviceWords(chromeLinux)).toBe("Chrome on Linux");
    expect(deviceWords(safariPhone)).toBe("Safari on iOS");
    expect(deviceWords(edgeWindows)).toBe("Edge on Windows");
    expect(deviceWords(firefoxAndroid)).toBe("Firefox on Android");
    expect(deviceWords("curl/8.5.0")).toBe("A program (curl)");
    expect(deviceWords("node")).toBe("A program (Node.js)");
    expect(deviceWords("okhttp/4.12.0")).toBe("A program (OkHttp)");
    expect(deviceWords(null)).toBe("A device that did not say what it is");
    expect(deviceWords("Frobnicator 3000")).toBe("An unrecognised app or browser");
  });

  it("names the place from the country and city recorded, and says when it is not known", () => {
    expect(placeWords({ country: "DE", city: "Berlin" }, "10.0.0.1")).toBe("Berlin, Germany");
    expect(placeWords({ country: "JP" }, null)).toBe("Japan");
    expect(placeWords({}, "10.0.0.1")).toBe("place not known (address 10.0.0.1)");
    expect(placeWords({}, null)).toBe("place not known");
  });

  it("every security event of a request records the country and city Cloudflare saw", async () => {
    const user = await registerUser();
    const login = await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip, cf: { country: "PT", city: "Porto" } });
    expect(login.status).toBe(200);
    expect((await auditDetails(user.id, "login.succeeded")).at(-1)).toMatchObject({ country: "PT", city: "Porto" });
    const wrong = await api("/v1/auth/login", { body: { email: user.email, password: "not the password" }, ip: user.ip, cf: { country: "PT", city: "Porto" } });
    expect(wrong.status).toBe(401);
    expect((await auditDetails(user.id, "login.failed")).at(-1)).toEqual({ country: "PT", city: "Porto", reason: "wrong_password" });
  });
});
