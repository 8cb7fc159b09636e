// Security round 3, findings 1 and 3: every per-user (or per-company, per-group) cap holds when the
// requests that would cross it arrive at once. Each cap is counted inside its INSERT
// (shared/db/capped-insert.ts); these tests fired the requests in parallel and saw the cap
// overshot before that.
import { describe, expect, it } from "vitest";
import { finishPasskeyRegistration, MAX_PASSKEYS_PER_USER, startPasskeyRegistration } from "../../shared/identity/passkeys/passkeys";
import { MAX_OPEN_INVITATIONS } from "../../shared/jobs-board/companies/companies";
import { openGroup } from "../chat/fixtures";
import { api, json, registerUser, uniqueIp } from "../helpers";
import { createCompany } from "../jobs-board/fixtures";
import { SoftAuthenticator } from "../kit/authenticator";
import { testDeps } from "../kit/deps";
import { inParallel } from "./fixtures";

describe("finding 1: the push device cap holds under parallel registrations", () => {
  it("40 parallel POST /v1/me/devices with distinct tokens: exactly the cap are registered", async () => {
    const user = await registerUser();
    const tally = await inParallel(40, (i) =>
      api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token: `parallel-${i}-${crypto.randomUUID()}` } }),
    );
    expect(tally).toEqual({ "201": 20, "409 too_many_devices": 20 });
    const listed = await json(await api("/v1/me/devices", { token: user.accessToken }));
    expect(listed.items).toHaveLength(20);
  });

  it("re-registering an address the account holds is not a new device: it passes at the cap", async () => {
    const user = await registerUser();
    const tokens = Array.from({ length: 20 }, (_, i) => `held-${i}-${crypto.randomUUID()}`);
    for (const token of tokens) expect((await api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token } })).status).toBe(201);
    expect((await api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token: tokens[3] } })).status).toBe(200);
    expect((await api("/v1/me/devices", { token: user.accessToken, body: { kind: "fcm", token: `one-more-${crypto.randomUUID()}` } })).status).toBe(409);
  });
});

describe("finding 1: company invitations hold their cap under parallel invites", () => {
  it(`${MAX_OPEN_INVITATIONS + 10} parallel invitations to distinct people: exactly ${MAX_OPEN_INVITATIONS} are open`, async () => {
    const owner = await registerUser();
    const company = await createCompany(owner);
    const invitees = await Promise.all(Array.from({ length: MAX_OPEN_INVITATIONS + 10 }, () => registerUser()));
    const tally = await inParallel(invitees.length, (i) =>
      api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken, body: { userId: invitees[i]!.id, role: "recruiter" } }),
    );
    expect(tally).toEqual({ "201": MAX_OPEN_INVITATIONS, "409 too_many_invitations": 10 });
    const open = await json(await api(`/v1/companies/${company.id}/invitations`, { token: owner.accessToken }));
    expect(open.items).toHaveLength(MAX_OPEN_INVITATIONS);
  });
});

describe("finding 1: a group's member cap holds under parallel additions", () => {
  it("8 parallel additions of one person each to a group of 2 (cap 5 in tests): exactly 3 join", async () => {
    const [owner, first, ...others] = await Promise.all(Array.from({ length: 10 }, () => registerUser()));
    const chat = await openGroup(owner!, [first!]);
    const tally = await inParallel(8, (i) => api(`/v1/chats/${chat.id}/members`, { token: owner!.accessToken, body: { userIds: [others[i]!.id] } }));
    expect(tally).toEqual({ "200": 3, "409 group_too_large": 5 });
    const members = await json(await api(`/v1/chats/${chat.id}/members?limit=50`, { token: owner!.accessToken }));
    expect(members.items).toHaveLength(5);
  });
});

describe("finding 3: the passkey cap holds under parallel verifications", () => {
  it(`${MAX_PASSKEYS_PER_USER + 4} registrations verified at once: exactly ${MAX_PASSKEYS_PER_USER} passkeys`, async () => {
    const user = await registerUser();
    // Enough password checks for every prompt; the cap under test is the passkeys', not this limit.
    const deps = testDeps({ vars: { RATE_LIMIT_PASSWORD_CHECKS_PER_USER: "100/900" } });
    const client = { ip: uniqueIp(), userAgent: "vitest" };
    const prompts = [];
    for (let i = 0; i < MAX_PASSKEYS_PER_USER + 4; i++) prompts.push(await startPasskeyRegistration(deps, user.id, user.password, client));
    const answers = await Promise.all(prompts.map(async (options) => (await SoftAuthenticator.create(user.id)).register(options)));
    const results = await Promise.allSettled(answers.map((answer) => finishPasskeyRegistration(deps, user.id, answer, undefined, client)));
    const refused = results.filter((result) => result.status === "rejected").map((result) => (result as PromiseRejectedResult).reason?.code);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(MAX_PASSKEYS_PER_USER);
    expect(refused).toEqual(Array(4).fill("too_many_passkeys"));
    const listed = await json(await api("/v1/me/passkeys", { token: user.accessToken }));
    expect(listed.items).toHaveLength(MAX_PASSKEYS_PER_USER);
  });
});
