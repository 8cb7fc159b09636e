import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../shared/clock";
import { api, expectProblem, json, registerUser, uniqueIp } from "../helpers";
import { auditDetails } from "../kit/audit";
import { SoftAuthenticator, TEST_RP_ID } from "../kit/authenticator";
import { makeAdmin } from "../kit/users";
import { mfaTokenFor, totpCode, turnOnTotp } from "./lifecycle-fixtures";
import { addPasskey, loginOptions, registrationOptions, verifyLogin } from "./passkeys-fixtures";

afterEach(() => clock.reset());

describe("POST /v1/auth/passkeys/registration/options", () => {
  it("answers creation options for this account: the relying party from APP_BASE_URL, a discoverable credential, its passkeys excluded", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const options = await registrationOptions(user);
    expect(options.rp.id).toBe(TEST_RP_ID);
    expect(options.user.name).toBe(user.email);
    expect(options.user.displayName).toBe(user.displayName);
    expect(options.attestation).toBe("none");
    expect(options.authenticatorSelection.residentKey).toBe("required");
    expect(options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([authenticator.id]);
    expect(options.challenge.length).toBeGreaterThanOrEqual(32);
  });

  it("needs the current password (403 invalid_password, audited), a token (401) and a body (400)", async () => {
    const user = await registerUser();
    await expectProblem(
      await api("/v1/auth/passkeys/registration/options", { token: user.accessToken, body: { password: "not my password" } }),
      403,
      "invalid_password",
    );
    expect(await auditDetails(user.id, "password.check_failed")).toEqual([{ action: "passkey.add" }]);
    await expectProblem(await api("/v1/auth/passkeys/registration/options", { body: { password: user.password } }), 401);
    await expectProblem(await api("/v1/auth/passkeys/registration/options", { token: user.accessToken, body: { password: 42 } }), 400, "invalid_body");
  });
});

describe("POST /v1/auth/passkeys/registration/verify", () => {
  it("stores the passkey with its name, lists it, and records passkey.added", async () => {
    const user = await registerUser();
    const { passkey } = await addPasskey(user, "Work laptop");
    expect(passkey).toMatchObject({ name: "Work laptop", deviceType: "singleDevice", backedUp: false, transports: ["internal"], lastUsedAt: null });
    const list = await json(await api("/v1/me/passkeys", { token: user.accessToken }));
    expect(list.items).toEqual([passkey]);
    expect(await auditDetails(user.id, "passkey.added")).toEqual([{ passkeyId: passkey.id, name: "Work laptop" }]);
  });

  it("names an unnamed passkey itself", async () => {
    const user = await registerUser();
    expect((await addPasskey(user)).passkey.name).toBe("Passkey 1");
    expect((await addPasskey(user)).passkey.name).toBe("Passkey 2");
  });

  it("refuses a replayed registration: the challenge works once", async () => {
    const user = await registerUser();
    const authenticator = await SoftAuthenticator.create();
    const response = await authenticator.register(await registrationOptions(user));
    expect((await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response } })).status).toBe(201);
    await expectProblem(await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response } }), 400, "invalid_challenge");
  });

  it("refuses an expired challenge (after 5 minutes)", async () => {
    const user = await registerUser();
    const authenticator = await SoftAuthenticator.create();
    const response = await authenticator.register(await registrationOptions(user));
    clock.advance(5 * 60_000 + 1);
    await expectProblem(await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response } }), 400, "invalid_challenge");
    expect((await json(await api("/v1/me/passkeys", { token: user.accessToken }))).items).toEqual([]);
  });

  it("refuses someone else's challenge, a wrong origin, a missing user-presence ceremony type and a credential registered twice", async () => {
    const user = await registerUser();
    const other = await registerUser();
    const authenticator = await SoftAuthenticator.create();
    const othersOptions = await registrationOptions(other);
    await expectProblem(
      await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response: await authenticator.register(othersOptions) } }),
      400,
      "invalid_challenge",
    );
    const evil = await authenticator.register(await registrationOptions(user), { origin: "https://evil.example" });
    await expectProblem(
      await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response: evil } }),
      400,
      "invalid_webauthn_response",
    );
    const wrongType = await authenticator.register(await registrationOptions(user), { type: "webauthn.get" });
    await expectProblem(
      await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response: wrongType } }),
      400,
      "invalid_webauthn_response",
    );

    const good = await authenticator.register(await registrationOptions(user));
    expect((await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: { response: good } })).status).toBe(201);
    const again = await authenticator.register(await registrationOptions(other));
    await expectProblem(await api("/v1/auth/passkeys/registration/verify", { token: other.accessToken, body: { response: again } }), 409, "passkey_exists");
  });

  it("is 401 without a token and 400 for malformed responses, never 5xx", async () => {
    const user = await registerUser();
    const authenticator = await SoftAuthenticator.create();
    const response = await authenticator.register(await registrationOptions(user));
    await expectProblem(await api("/v1/auth/passkeys/registration/verify", { body: { response } }), 401);
    for (const bad of [
      {},
      { response: { ...response, type: "password" } },
      { response: { ...response, response: { ...response.response, clientDataJSON: "not base64url!" } } },
      { response: { ...response, response: { ...response.response, clientDataJSON: "bm90IGpzb24" } } },
      { response: { ...response, response: { ...response.response, attestationObject: "AAAA" } } },
      { response, name: "" },
    ]) {
      const answer = await api("/v1/auth/passkeys/registration/verify", { token: user.accessToken, body: bad });
      expect(answer.status, await answer.clone().text()).toBe(400);
    }
  });
});

describe("POST /v1/auth/passkeys/login (first factor)", () => {
  it("options carry no allowCredentials (conditional UI) and require user verification", async () => {
    const options = await loginOptions(uniqueIp());
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    expect(options.rpId).toBe(TEST_RP_ID);
  });

  it("signs in with a session like the password login: tokens, /v1/me, login.succeeded, the counter and last use stored", async () => {
    const user = await registerUser();
    const { authenticator, passkey } = await addPasskey(user);
    const ip = uniqueIp();
    const response = await verifyLogin(ip, await authenticator.assert(await loginOptions(ip)));
    expect(response.status, await response.clone().text()).toBe(200);
    const body = await json(response);
    expect(body.user.id).toBe(user.id);
    expect(body.refreshToken).toEqual(expect.any(String));
    expect((await api("/v1/me", { token: body.accessToken })).status).toBe(200);
    expect(await auditDetails(user.id, "login.succeeded")).toContainEqual({ method: "passkey", passkeyId: passkey.id });
    const [listed] = (await json(await api("/v1/me/passkeys", { token: user.accessToken }))).items;
    expect(listed.lastUsedAt).not.toBeNull();

    const sessions = (await json(await api("/v1/auth/sessions", { token: body.accessToken }))).items;
    expect(sessions.find((s: { current: boolean }) => s.current)).toMatchObject({ userAgent: "vitest passkey", ip });
    expect((await api("/v1/auth/logout", { token: body.accessToken, method: "POST" })).status).toBe(204);
    await expectProblem(await api("/v1/me", { token: body.accessToken }), 401);
  });

  it("refuses a replayed assertion: the challenge is spent by the first use", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const ip = uniqueIp();
    const assertion = await authenticator.assert(await loginOptions(ip));
    expect((await verifyLogin(ip, assertion)).status).toBe(200);
    await expectProblem(await verifyLogin(ip, assertion), 400, "invalid_challenge");
  });

  it("refuses an expired challenge", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const ip = uniqueIp();
    const options = await loginOptions(ip);
    clock.advance(5 * 60_000 + 1);
    await expectProblem(await verifyLogin(ip, await authenticator.assert(options)), 400, "invalid_challenge");
  });

  it("refuses a counter that went backwards (a cloned authenticator) and records passkey.counter_regressed", async () => {
    const user = await registerUser();
    const { authenticator, passkey } = await addPasskey(user);
    const ip = uniqueIp();
    expect((await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { counter: 7 }))).status).toBe(200);
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { counter: 7 })), 401, "invalid_passkey");
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { counter: 3 })), 401, "invalid_passkey");
    const regressions = await auditDetails(user.id, "passkey.counter_regressed");
    expect(regressions).toEqual([
      { passkeyId: passkey.id, name: passkey.name, storedCounter: 7, presentedCounter: 7 },
      { passkeyId: passkey.id, name: passkey.name, storedCounter: 7, presentedCounter: 3 },
    ]);
    expect((await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { counter: 8 }))).status).toBe(200);
  });

  it("refuses an unknown credential, a wrong origin, a bad signature and a missing user verification with 401 invalid_passkey", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const stranger = await SoftAuthenticator.create();
    const ip = uniqueIp();
    await expectProblem(await verifyLogin(ip, await stranger.assert(await loginOptions(ip))), 401, "invalid_passkey");
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { origin: "https://evil.example" })), 401, "invalid_passkey");
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { userVerified: false })), 401, "invalid_passkey");
    const forged = await stranger.assert(await loginOptions(ip));
    await expectProblem(await verifyLogin(ip, { ...forged, id: authenticator.id, rawId: authenticator.id }), 401, "invalid_passkey");
    const reasons = (await auditDetails(user.id, "login.failed")).map((d) => d.reason);
    expect(reasons).toEqual(["passkey_invalid", "passkey_invalid", "passkey_invalid"]);
  });

  it("takes the account's slot before verifying: past the limit even a right passkey is 429", async () => {
    const user = await registerUser();
    const { authenticator } = await addPasskey(user);
    const ip = uniqueIp();
    const wrong = await Promise.all(
      Array.from({ length: 12 }, async () => verifyLogin(ip, await authenticator.assert(await loginOptions(ip), { origin: "https://evil.example" }))),
    );
    const statuses = wrong.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip))), 429, "rate_limited");
  });

  it("a disabled account is 403 account_disabled", async () => {
    const user = await registerUser();
    const admin = await registerUser();
    await makeAdmin(admin);
    const { authenticator } = await addPasskey(user);
    expect((await api(`/v1/admin/users/${user.id}/disable`, { token: admin.accessToken, body: {} })).status).toBe(200);
    const ip = uniqueIp();
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip))), 403, "account_disabled");
  });

  it("is 400 for malformed bodies, never 5xx", async () => {
    const ip = uniqueIp();
    const stranger = await SoftAuthenticator.create();
    const assertion = await stranger.assert(await loginOptions(ip));
    for (const bad of [
      {},
      { response: { ...assertion, response: { ...assertion.response, signature: undefined } } },
      { response: { ...assertion, response: { ...assertion.response, clientDataJSON: "e30" } } },
      { response: assertion, mfaToken: "short" },
    ]) {
      const answer = await api("/v1/auth/passkeys/login/verify", { body: bad, ip });
      expect(answer.status, await answer.clone().text()).toBe(400);
    }
    await expectProblem(await api("/v1/auth/passkeys/login/options", { body: { mfaToken: 12 }, ip }), 400, "invalid_body");
  });
});

describe("a passkey as the second factor", () => {
  it("finishes the sign-in of a 2FA account after the password, spending the mfaToken", async () => {
    const user = await registerUser();
    const { authenticator, passkey } = await addPasskey(user);
    await turnOnTotp(user);
    const problem = await json(await api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip }));
    expect(problem.code).toBe("mfa_required");
    expect(problem.secondFactors).toEqual(["totp", "backup_code", "passkey"]);
    const mfaToken = problem.mfaToken as string;
    const options = await loginOptions(user.ip, mfaToken);
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([authenticator.id]);

    const response = await verifyLogin(user.ip, await authenticator.assert(options), mfaToken);
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await json(response)).user.id).toBe(user.id);
    expect(await auditDetails(user.id, "login.succeeded")).toContainEqual({ mfa: "passkey", passkeyId: passkey.id });
    await expectProblem(await api("/v1/auth/login/mfa", { body: { mfaToken, code: "123456" }, ip: user.ip }), 401, "invalid_mfa_token");
  });

  it("needs the mfaToken, and only that account's passkeys answer", async () => {
    const user = await registerUser();
    const other = await registerUser();
    await addPasskey(user);
    const { authenticator: othersKey } = await addPasskey(other);
    const { secret } = await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    await expectProblem(await verifyLogin(user.ip, await othersKey.assert(await loginOptions(user.ip, mfaToken))), 401, "invalid_mfa_token");
    await expectProblem(await verifyLogin(user.ip, await othersKey.assert(await loginOptions(user.ip, mfaToken)), mfaToken), 401, "invalid_passkey");
    // The sign-in can still finish with a code.
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken, code: totpCode(secret) }, ip: user.ip })).status).toBe(200);
  });

  it("options for an account without passkeys are 409 no_passkeys; a spent or unknown mfaToken is 401", async () => {
    const user = await registerUser();
    await turnOnTotp(user);
    const mfaToken = await mfaTokenFor(user);
    await expectProblem(await api("/v1/auth/passkeys/login/options", { body: { mfaToken }, ip: user.ip }), 409, "no_passkeys");
    await expectProblem(await api("/v1/auth/passkeys/login/options", { body: { mfaToken: "x".repeat(43) }, ip: user.ip }), 401, "invalid_mfa_token");
  });
});

describe("/v1/me/passkeys", () => {
  it("renames and deletes your passkeys; a deleted passkey no longer signs in", async () => {
    const user = await registerUser();
    const { authenticator, passkey } = await addPasskey(user);
    const renamed = await api(`/v1/me/passkeys/${passkey.id}`, { method: "PATCH", token: user.accessToken, body: { name: "  Phone  " } });
    expect(renamed.status).toBe(200);
    expect((await json(renamed)).passkey.name).toBe("Phone");
    expect((await api(`/v1/me/passkeys/${passkey.id}`, { method: "DELETE", token: user.accessToken })).status).toBe(204);
    expect((await json(await api("/v1/me/passkeys", { token: user.accessToken }))).items).toEqual([]);
    expect((await auditDetails(user.id, "passkey.deleted"))[0]).toEqual({ passkeyId: passkey.id, name: "Phone" });
    const ip = uniqueIp();
    await expectProblem(await verifyLogin(ip, await authenticator.assert(await loginOptions(ip))), 401, "invalid_passkey");
  });

  it("someone else's passkey is 404 to rename and to delete, and stays", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const { passkey } = await addPasskey(owner);
    await expectProblem(await api(`/v1/me/passkeys/${passkey.id}`, { method: "PATCH", token: other.accessToken, body: { name: "Mine now" } }), 404);
    await expectProblem(await api(`/v1/me/passkeys/${passkey.id}`, { method: "DELETE", token: other.accessToken }), 404);
    expect((await json(await api("/v1/me/passkeys", { token: other.accessToken }))).items).toEqual([]);
    expect((await json(await api("/v1/me/passkeys", { token: owner.accessToken }))).items).toEqual([passkey]);
  });

  it("is 401 without a token and 400 for a malformed name", async () => {
    const user = await registerUser();
    const { passkey } = await addPasskey(user);
    await expectProblem(await api("/v1/me/passkeys"), 401);
    await expectProblem(await api(`/v1/me/passkeys/${passkey.id}`, { method: "PATCH", body: { name: "x" } }), 401);
    await expectProblem(await api(`/v1/me/passkeys/${passkey.id}`, { method: "DELETE" }), 401);
    await expectProblem(await api(`/v1/me/passkeys/${passkey.id}`, { method: "PATCH", token: user.accessToken, body: { name: "" } }), 400, "invalid_body");
    await expectProblem(
      await api(`/v1/me/passkeys/${passkey.id}`, { method: "PATCH", token: user.accessToken, body: { name: "x".repeat(65) } }),
      400,
      "invalid_body",
    );
  });
});

describe("GET /v1/auth/2fa", () => {
  it("says whether TOTP is on and how many backup codes are left; 401 without a token", async () => {
    const user = await registerUser();
    expect(await json(await api("/v1/auth/2fa", { token: user.accessToken }))).toEqual({ totpEnabled: false, backupCodesRemaining: 0 });
    const { secret, backupCodes } = await turnOnTotp(user);
    expect(await json(await api("/v1/auth/2fa", { token: user.accessToken }))).toEqual({ totpEnabled: true, backupCodesRemaining: 10 });
    const mfaToken = await mfaTokenFor(user);
    expect((await api("/v1/auth/login/mfa", { body: { mfaToken, code: backupCodes[0] }, ip: user.ip })).status).toBe(200);
    expect(await json(await api("/v1/auth/2fa", { token: user.accessToken }))).toEqual({ totpEnabled: true, backupCodesRemaining: 9 });
    expect(secret).toEqual(expect.any(String));
    await expectProblem(await api("/v1/auth/2fa"), 401);
  });
});

describe("the data export", () => {
  it("lists the passkeys by name, without key material", async () => {
    const user = await registerUser();
    const { passkey } = await addPasskey(user, "Exported key");
    const exported = await json(await api("/v1/me/export", { token: user.accessToken }));
    expect(exported.passkeys).toEqual([passkey]);
    expect(JSON.stringify(exported)).not.toContain("publicKey");
  });
});
