import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { allowListAdmits, parseAllowList, parseIp, parseNetwork } from "../../shared/identity/admin/network-allow-list";
import worker from "../../workers/index";
import { api, expectProblem, json, registerUser } from "../helpers";
import { makeAdmin } from "../kit/users";

describe("the admin network allow-list", () => {
  it("parses IPv4 and IPv6 networks, bare addresses and IPv4-mapped addresses", () => {
    expect(parseNetwork("192.0.2.0/24")).toMatchObject({ prefix: 24 });
    expect(parseNetwork("2001:db8::/32")).toMatchObject({ prefix: 32 });
    expect(parseNetwork("198.51.100.7")).toMatchObject({ prefix: 32 });
    expect(parseNetwork("::1")).toMatchObject({ prefix: 128 });
    expect(parseIp("::ffff:192.0.2.1")).toEqual(Uint8Array.of(192, 0, 2, 1));
    for (const bad of [
      "192.0.2.0/33",
      "2001:db8::/129",
      "300.1.1.1",
      "1.2.3",
      "01.2.3.4",
      "2001:db8:::1",
      "1:2:3:4:5:6:7:8:9",
      "example.com",
      "10.0.0.0/8/1",
      "10.0.0.0/x",
    ]) {
      expect(parseNetwork(bad), bad).toBeNull();
    }
  });

  it("admits exactly the addresses inside the networks", () => {
    const list = parseAllowList(" 192.0.2.0/24 , 2001:db8:abcd::/48, 198.51.100.7, not-a-network ")!;
    expect(list.invalid).toEqual(["not-a-network"]);
    for (const inside of ["192.0.2.0", "192.0.2.255", "::ffff:192.0.2.9", "2001:db8:abcd:12::1", "198.51.100.7"])
      expect(allowListAdmits(list, inside), inside).toBe(true);
    for (const outside of ["192.0.3.1", "198.51.100.8", "2001:db8:abce::1", "::1", "garbage", ""]) expect(allowListAdmits(list, outside), outside).toBe(false);
    expect(allowListAdmits(list, null)).toBe(false);
    expect(allowListAdmits(parseAllowList("10.0.0.0/9")!, "10.127.255.255")).toBe(true);
    expect(allowListAdmits(parseAllowList("10.0.0.0/9")!, "10.128.0.0")).toBe(false);
  });

  it("is no restriction when unset or blank", () => {
    expect(parseAllowList(undefined)).toBeNull();
    expect(parseAllowList(" , ")).toBeNull();
  });
});

describe("ADMIN_ALLOWED_CIDRS on /v1/admin/*", () => {
  const restricted = { ...env, ADMIN_ALLOWED_CIDRS: "203.0.113.0/24,2001:db8::/32" };
  const adminCall = (path: string, token: string | null, ip: string | null, overrides: typeof restricted = restricted) => {
    const headers = new Headers();
    if (token) headers.set("authorization", `Bearer ${token}`);
    if (ip) headers.set("cf-connecting-ip", ip);
    return worker.fetch(new Request(`http://platform.test${path}`, { headers }), overrides, createExecutionContext());
  };

  it("an admin inside the networks is served; outside (IPv4, IPv6, or no address) it is 403 admin_network_forbidden", async () => {
    const admin = await registerUser();
    await makeAdmin(admin);
    expect((await adminCall("/v1/admin/users?limit=1", admin.accessToken, "203.0.113.40")).status).toBe(200);
    expect((await adminCall("/v1/admin/audit-events?limit=1", admin.accessToken, "2001:db8:1::5")).status).toBe(200);
    await expectProblem(await adminCall("/v1/admin/users?limit=1", admin.accessToken, "198.51.100.1"), 403, "admin_network_forbidden");
    await expectProblem(await adminCall("/v1/admin/oauth/clients", admin.accessToken, "2001:db9::1"), 403, "admin_network_forbidden");
    await expectProblem(await adminCall("/v1/admin/users?limit=1", admin.accessToken, null), 403, "admin_network_forbidden");
  });

  it("refuses before the token is read, and leaves every other path alone", async () => {
    const user = await registerUser();
    await expectProblem(await adminCall("/v1/admin/users", null, "198.51.100.1"), 403, "admin_network_forbidden");
    await expectProblem(await adminCall("/v1/admin/users", null, "203.0.113.1"), 401);
    await expectProblem(await adminCall("/v1/admin/users", user.accessToken, "203.0.113.1"), 403, "forbidden");
    expect((await adminCall("/v1/me", user.accessToken, "198.51.100.1")).status).toBe(200);
  });

  it("without the var the admin API answers every network", async () => {
    const admin = await registerUser();
    await makeAdmin(admin);
    expect((await api("/v1/admin/users?limit=1", { token: admin.accessToken, ip: "198.51.100.1" })).status).toBe(200);
    expect((await json(await api("/v1/admin/users?limit=1", { token: admin.accessToken }))).items).toHaveLength(1);
  });

  it("an entry that does not parse admits nobody", async () => {
    const admin = await registerUser();
    await makeAdmin(admin);
    const typo = { ...env, ADMIN_ALLOWED_CIDRS: "203.0.113.0/244" };
    await expectProblem(await adminCall("/v1/admin/users?limit=1", admin.accessToken, "203.0.113.40", typo), 403, "admin_network_forbidden");
  });
});
