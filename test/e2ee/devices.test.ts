import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base64url } from "../../shared/ids";
import { api, expectProblem, json, login, registerUser } from "../helpers";
import { keyPackageOf, mls, openDirectChat, registerDevice, uploadKeyPackages } from "./fixtures";

describe("POST /v1/e2ee/devices", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/e2ee/devices", { body: { signatureKey: base64url(new Uint8Array(32)) } }), 401, "unauthorized");
  });

  it("refuses a key that is not 32 bytes of base64url", async () => {
    const user = await registerUser();
    await expectProblem(
      await api("/v1/e2ee/devices", { token: user.accessToken, body: { signatureKey: base64url(new Uint8Array(31)) } }),
      400,
      "invalid_signature_key",
    );
    await expectProblem(await api("/v1/e2ee/devices", { token: user.accessToken, body: { signatureKey: "not base64!" } }), 400);
    await expectProblem(await api("/v1/e2ee/devices", { token: user.accessToken, body: {} }), 400);
  });

  it("registers one device per session, with a fingerprint; the same key again is 200, another key 409", async () => {
    const user = await registerUser();
    const device = await registerDevice(user);
    const again = await api("/v1/e2ee/devices", { token: user.accessToken, body: { signatureKey: base64url(device.keys.publicKey) } });
    expect(again.status).toBe(200);
    expect((await json(again)).id).toBe(device.id);
    const other = (await (await mls()).signature.keygen()).publicKey;
    await expectProblem(await api("/v1/e2ee/devices", { token: user.accessToken, body: { signatureKey: base64url(other) } }), 409, "mls_device_exists");
    const list = await json(await api(`/v1/e2ee/users/${user.id}/devices`, { token: user.accessToken }));
    expect(list.items).toEqual([
      {
        id: device.id,
        userId: user.id,
        signatureKey: base64url(device.keys.publicKey),
        fingerprint: expect.stringMatching(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/),
        createdAt: expect.any(String),
        current: true,
      },
    ]);
  });
});

describe("GET /v1/e2ee/users/:id/devices", () => {
  it("needs a token", async () => {
    const user = await registerUser();
    await expectProblem(await api(`/v1/e2ee/users/${user.id}/devices`), 401);
  });

  it("lists a chat partner's devices (one per session) but not a stranger's (404)", async () => {
    const [ann, bob, eve] = [await registerUser(), await registerUser(), await registerUser()];
    await openDirectChat(ann, bob);
    await registerDevice(bob);
    const bobSecond = await json(await login(bob));
    await registerDevice(bob, bobSecond.accessToken);
    const list = await json(await api(`/v1/e2ee/users/${bob.id}/devices`, { token: ann.accessToken }));
    expect(list.items).toHaveLength(2);
    expect(list.items.every((d: { current: boolean }) => !d.current)).toBe(true);
    await expectProblem(await api(`/v1/e2ee/users/${bob.id}/devices`, { token: eve.accessToken }), 404);
  });
});

describe("POST /v1/e2ee/key-packages", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/e2ee/key-packages", { body: { keyPackages: ["AA"] } }), 401);
  });

  it("needs this session's device first", async () => {
    const user = await registerUser();
    const device = await registerDevice(user);
    const other = await json(await login(user));
    await expectProblem(
      await api("/v1/e2ee/key-packages", { token: other.accessToken, body: { keyPackages: [await keyPackageOf(device)] } }),
      409,
      "mls_device_missing",
    );
  });

  it("stores valid packages and a last-resort one, and says how many are left", async () => {
    const device = await registerDevice(await registerUser());
    const response = await uploadKeyPackages(device, 3, true);
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({ remaining: 3, lastResort: true });
    expect(await json(await api("/v1/e2ee/key-packages", { token: device.token }))).toEqual({ remaining: 3, lastResort: true });
  });

  it("takes the most one upload may carry (100 packages): stored whole, and claimed one by one", async () => {
    // A VALUES list of 100 packages bound more than D1's 100 values per statement and failed (500).
    const owner = await registerUser();
    const device = await registerDevice(owner);
    const response = await uploadKeyPackages(device, 100, true);
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await json(response)).toEqual({ remaining: 100, lastResort: true });
    const friend = await registerUser();
    await openDirectChat(friend, owner);
    const claimed = await json(await api("/v1/e2ee/key-packages/claim", { token: friend.accessToken, body: { userIds: [owner.id] } }));
    expect(claimed.items).toHaveLength(1);
    expect(claimed.items[0]).toMatchObject({ userId: owner.id, deviceId: device.id, lastResort: false });
    expect((await json(await api("/v1/e2ee/key-packages", { token: device.token }))).remaining).toBe(99);
  });

  it("the same upload again stores nothing twice", async () => {
    const device = await registerDevice(await registerUser());
    const keyPackages = [await keyPackageOf(device), await keyPackageOf(device)];
    expect((await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages } })).status).toBe(201);
    const again = await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages } });
    expect(again.status).toBe(201);
    expect((await json(again)).remaining).toBe(2);
  });

  it("refuses bytes that are not a key package, and a package with a flipped byte", async () => {
    const device = await registerDevice(await registerUser());
    await expectProblem(await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages: ["AAAA"] } }), 400, "mls_key_package_invalid");
    const bytes = Uint8Array.from(atob((await keyPackageOf(device)).replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 1;
    await expectProblem(await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages: [base64url(bytes)] } }), 400, "mls_key_package_invalid");
    await expectProblem(await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages: [] } }), 400);
  });

  it("refuses a package whose credential is another user or device, or whose signature key is not the device's (403)", async () => {
    const [ann, bob] = [await registerUser(), await registerUser()];
    const annDevice = await registerDevice(ann);
    const bobDevice = await registerDevice(bob);
    const asBob = await keyPackageOf(annDevice, { identity: `${bob.id}:${bobDevice.id}` });
    await expectProblem(await api("/v1/e2ee/key-packages", { token: annDevice.token, body: { keyPackages: [asBob] } }), 403, "mls_key_package_foreign");
    const otherKey = await keyPackageOf(annDevice, { keys: await (await mls()).signature.keygen() });
    await expectProblem(await api("/v1/e2ee/key-packages", { token: annDevice.token, body: { keyPackages: [otherKey] } }), 403, "mls_key_package_foreign");
    // Bob's genuine package uploaded by Ann's session is not Ann's device's either.
    await expectProblem(
      await api("/v1/e2ee/key-packages", { token: annDevice.token, body: { keyPackages: [await keyPackageOf(bobDevice)] } }),
      403,
      "mls_key_package_foreign",
    );
  });

  it("refuses an expired package and one that lives longer than the limit", async () => {
    const device = await registerDevice(await registerUser());
    const now = BigInt(Math.floor(Date.now() / 1000));
    const expired = await keyPackageOf(device, { lifetime: { notBefore: now - 100_000n, notAfter: now - 10n } });
    await expectProblem(await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages: [expired] } }), 400, "mls_key_package_lifetime");
    const forever = await keyPackageOf(device, { lifetime: { notBefore: 0n, notAfter: 2n ** 64n - 1n } });
    await expectProblem(await api("/v1/e2ee/key-packages", { token: device.token, body: { keyPackages: [forever] } }), 400, "mls_key_package_lifetime");
  });
});

describe("POST /v1/e2ee/key-packages/claim", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/e2ee/key-packages/claim", { body: { userIds: ["x"] } }), 401);
  });

  it("refuses malformed input and strangers (404)", async () => {
    const [ann, eve] = [await registerUser(), await registerUser()];
    await expectProblem(await api("/v1/e2ee/key-packages/claim", { token: ann.accessToken, body: { userIds: [] } }), 400);
    await expectProblem(await api("/v1/e2ee/key-packages/claim", { token: ann.accessToken, body: { userIds: [eve.id] } }), 404);
  });

  it("hands out one package per device of each user, never the same twice, then the last-resort one", async () => {
    const [ann, bob] = [await registerUser(), await registerUser()];
    await openDirectChat(ann, bob);
    const bobPhone = await registerDevice(bob);
    const bobLaptop = await registerDevice(bob, (await json(await login(bob))).accessToken);
    await uploadKeyPackages(bobPhone, 2, true);
    await uploadKeyPackages(bobLaptop, 1);
    const claim = () => api("/v1/e2ee/key-packages/claim", { token: ann.accessToken, body: { userIds: [bob.id] } }).then(json);
    const first = await claim();
    expect(first.items.map((i: { deviceId: string }) => i.deviceId).sort()).toEqual([bobPhone.id, bobLaptop.id].sort());
    const second = await claim();
    // The laptop has nothing left and no last-resort package: it is left out.
    expect(second.items).toEqual([expect.objectContaining({ deviceId: bobPhone.id, lastResort: false })]);
    expect(second.items[0].keyPackage).not.toBe(first.items.find((i: { deviceId: string }) => i.deviceId === bobPhone.id).keyPackage);
    const third = await claim();
    const fourth = await claim();
    expect(third.items).toEqual([expect.objectContaining({ deviceId: bobPhone.id, lastResort: true })]);
    expect(fourth.items[0].keyPackage).toBe(third.items[0].keyPackage);
    expect(await json(await api("/v1/e2ee/key-packages", { token: bobPhone.token }))).toEqual({ remaining: 0, lastResort: true });
  });

  it("parallel claims never receive the same package", async () => {
    const [bob, ...claimers] = await Promise.all(Array.from({ length: 7 }, () => registerUser()));
    if (!bob) throw new Error("no user");
    for (const claimer of claimers) await openDirectChat(claimer, bob);
    const device = await registerDevice(bob);
    await uploadKeyPackages(device, 4, true);
    const results = await Promise.all(
      [...claimers, ...claimers].map((claimer) => api("/v1/e2ee/key-packages/claim", { token: claimer.accessToken, body: { userIds: [bob.id] } }).then(json)),
    );
    const handed = results.map((r) => r.items[0]);
    const oneTime = handed.filter((item) => !item.lastResort).map((item) => item.keyPackage);
    expect(oneTime).toHaveLength(4);
    expect(new Set(oneTime).size).toBe(4);
    expect(handed.filter((item) => item.lastResort)).toHaveLength(8);
  });

  it("leaves out the caller's own session device but includes their other devices", async () => {
    const ann = await registerUser();
    const here = await registerDevice(ann);
    const there = await registerDevice(ann, (await json(await login(ann))).accessToken);
    await uploadKeyPackages(here, 1);
    await uploadKeyPackages(there, 1);
    const claimed = await json(await api("/v1/e2ee/key-packages/claim", { token: ann.accessToken, body: { userIds: [ann.id] } }));
    expect(claimed.items.map((i: { deviceId: string }) => i.deviceId)).toEqual([there.id]);
  });
});

describe("a device ends with its session", () => {
  it("logout deletes the session's key packages and the device is neither listed nor claimable", async () => {
    const [ann, bob] = [await registerUser(), await registerUser()];
    await openDirectChat(ann, bob);
    const second = await json(await login(bob));
    const device = await registerDevice(bob, second.accessToken);
    await uploadKeyPackages(device, 3, true);
    expect((await api("/v1/auth/logout", { method: "POST", token: second.accessToken })).status).toBe(204);
    expect((await json(await api(`/v1/e2ee/users/${bob.id}/devices`, { token: ann.accessToken }))).items).toEqual([]);
    expect((await json(await api("/v1/e2ee/key-packages/claim", { token: ann.accessToken, body: { userIds: [bob.id] } }))).items).toEqual([]);
  });

  it("logout-all ends every device of the user", async () => {
    const [ann, bob] = [await registerUser(), await registerUser()];
    await openDirectChat(ann, bob);
    await uploadKeyPackages(await registerDevice(bob), 1);
    await uploadKeyPackages(await registerDevice(bob, (await json(await login(bob))).accessToken), 1);
    expect((await api("/v1/auth/logout-all", { method: "POST", token: bob.accessToken })).status).toBe(204);
    expect((await json(await api(`/v1/e2ee/users/${bob.id}/devices`, { token: ann.accessToken }))).items).toEqual([]);
  });
});

describe("account deletion", () => {
  it("removes the user's devices, key packages and key backup with the account", async () => {
    const bob = await registerUser();
    const device = await registerDevice(bob);
    await uploadKeyPackages(device, 2, true);
    await api("/v1/e2ee/key-backup", { method: "PUT", token: bob.accessToken, body: { replaces: 0, blob: "c2VjcmV0" } });
    expect((await api("/v1/me", { method: "DELETE", token: bob.accessToken, body: { password: bob.password } })).status).toBe(204);
    const left = await env.DB.prepare(
      "select (select count(*) from mls_devices where user_id = ?1) + (select count(*) from mls_key_packages where user_id = ?1) + (select count(*) from mls_key_backups where user_id = ?1) as n",
    )
      .bind(bob.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});

describe("/v1/e2ee/key-backup", () => {
  it("needs a token", async () => {
    await expectProblem(await api("/v1/e2ee/key-backup"), 401);
    await expectProblem(await api("/v1/e2ee/key-backup", { method: "PUT", body: { replaces: 0, blob: "AA" } }), 401);
  });

  it("stores versions over the one named, refuses a stale one (409), is the user's own, and can be deleted", async () => {
    const [ann, bob] = [await registerUser(), await registerUser()];
    await expectProblem(await api("/v1/e2ee/key-backup", { token: ann.accessToken }), 404);
    const put = (replaces: number, blob: string) => api("/v1/e2ee/key-backup", { method: "PUT", token: ann.accessToken, body: { replaces, blob } });
    expect(await json(await put(0, "c2VjcmV0MQ"))).toEqual(expect.objectContaining({ version: 1 }));
    await expectProblem(await put(0, "b3RoZXI"), 409, "mls_backup_version_conflict");
    expect((await json(await put(1, "c2VjcmV0Mg"))).version).toBe(2);
    expect(await json(await api("/v1/e2ee/key-backup", { token: ann.accessToken }))).toEqual(expect.objectContaining({ version: 2, blob: "c2VjcmV0Mg" }));
    await expectProblem(await api("/v1/e2ee/key-backup", { token: bob.accessToken }), 404);
    await expectProblem(await api("/v1/e2ee/key-backup", { method: "PUT", token: ann.accessToken, body: { replaces: -1, blob: "AA" } }), 400);
    expect((await api("/v1/e2ee/key-backup", { method: "DELETE", token: ann.accessToken })).status).toBe(204);
    await expectProblem(await api("/v1/e2ee/key-backup", { token: ann.accessToken }), 404);
  });

  it("refuses a backup over the size cap (413)", async () => {
    const ann = await registerUser();
    const blob = "A".repeat(800_000); // 600,000 bytes: over the default cap (512 KiB), under the body limit
    await expectProblem(await api("/v1/e2ee/key-backup", { method: "PUT", token: ann.accessToken, body: { replaces: 0, blob } }), 413, "mls_backup_too_large");
  });

  it("two uploads over the same version: exactly one wins", async () => {
    const ann = await registerUser();
    const results = await Promise.all(
      ["b25l", "dHdv", "dGhyZWU"].map((blob) => api("/v1/e2ee/key-backup", { method: "PUT", token: ann.accessToken, body: { replaces: 0, blob } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });
});
