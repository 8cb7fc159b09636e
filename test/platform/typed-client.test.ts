import { SELF } from "cloudflare:test";
import { hc } from "hono/client";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AppType } from "../../workers/api/app";
import { unique, uniqueIp } from "../helpers";

// The web client's view of the API: paths, bodies and replies typed from the routes themselves,
// so a route that changes its shape breaks `npm run typecheck` here.
function typedClient(headers: Record<string, string> = {}) {
  return hc<AppType>("http://platform.test", { fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init), headers });
}

describe("hc<AppType> against the real routes", () => {
  it("registers, reads the current user and lists chats with typed replies", async () => {
    const email = `typed-${unique()}@example.com`;
    const registered = await typedClient({ "cf-connecting-ip": uniqueIp() }).v1.auth.register.$post({
      json: { email, password: `typed client ${unique()}`, displayName: "Typed Client" },
    });
    expect(registered.status).toBe(201);
    if (registered.status !== 201) return;
    const session = await registered.json();
    expectTypeOf(session.accessToken).toEqualTypeOf<string>();
    expectTypeOf(session.user.role).toEqualTypeOf<"user" | "moderator" | "admin">();
    expect(session.user.email).toBe(email);

    const authed = typedClient({ authorization: `Bearer ${session.accessToken}` });
    const me = await authed.v1.me.$get();
    expect(me.status).toBe(200);
    if (me.status !== 200) return;
    const { user } = await me.json();
    expectTypeOf(user.displayName).toEqualTypeOf<string>();
    expect(user).toMatchObject({ id: session.user.id, displayName: "Typed Client" });

    const chats = await authed.v1.chats.$get({ query: { limit: "10" } });
    expect(chats.status).toBe(200);
    if (chats.status !== 200) return;
    const page = await chats.json();
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>();
    expect(page.items.map((chat) => chat.id)).toContain("general");
  });

  it("error replies are typed as problems", async () => {
    const me = await typedClient().v1.me.$get();
    expect(me.status).toBe(401);
    if (me.status !== 401) return;
    const problem = await me.json();
    expectTypeOf(problem.code).toEqualTypeOf<string>();
    expect(problem.code).toBe("unauthorized");
  });
});
