// Security round 3, finding 6: token introspection (RFC 7662 §4) tells a client about a token only
// when the token is its own or the client is registered as a resource server for the token's
// client; any other confidential client learns `{active: false}`, as for a token that never was.
import { describe, expect, it } from "vitest";
import { api, expectProblem, json } from "../helpers";
import { adminToken, type RegisteredClient, registerClient, rpClient, signInToApp } from "../oauth/kit";
import * as oauth from "oauth4webapi";
import { discover, rpOptions } from "../oauth/kit";

async function introspectAs(client: RegisteredClient, token: string): Promise<oauth.IntrospectionResponse> {
  const as = await discover();
  const rp = rpClient(client);
  const response = await oauth.introspectionRequest(as, rp.client, rp.auth, token, rpOptions);
  return oauth.processIntrospectionResponse(as, rp.client, response);
}

async function setResourceServerFor(client: RegisteredClient, clientIds: string[]): Promise<Response> {
  return api(`/v1/admin/oauth/clients/${client.clientId}`, { method: "PATCH", token: await adminToken(), body: { resourceServerFor: clientIds } });
}

describe("finding 6: who may introspect a token", () => {
  it("another confidential client learns nothing about an app's tokens: {active: false} for access and refresh tokens", async () => {
    const app = await signInToApp({ scope: "openid profile offline_access" });
    const stranger = await registerClient();
    expect(await introspectAs(stranger, app.tokens.access_token)).toEqual({ active: false });
    expect(await introspectAs(stranger, app.tokens.refresh_token!)).toEqual({ active: false });
  });

  it("the token's own client still introspects it", async () => {
    const app = await signInToApp();
    const answer = await introspectAs(app.client, app.tokens.access_token);
    expect(answer.active).toBe(true);
    expect(answer.client_id).toBe(app.client.clientId);
  });

  it("a client registered as a resource server for the app introspects the app's tokens, and only those", async () => {
    const app = await signInToApp();
    const other = await signInToApp();
    const api = await registerClient({ name: "Orders API" });
    const registered = await setResourceServerFor(api, [app.client.clientId]);
    expect(registered.status, await registered.clone().text()).toBe(200);
    expect((await json(registered)).client.resourceServerFor).toEqual([app.client.clientId]);
    expect((await introspectAs(api, app.tokens.access_token)).active).toBe(true);
    expect(await introspectAs(api, other.tokens.access_token)).toEqual({ active: false });
  });

  it("registering a resource server for a client that does not exist: 400 unknown_oauth_client", async () => {
    const api = await registerClient();
    await expectProblem(await setResourceServerFor(api, ["client_does_not_exist"]), 400, "unknown_oauth_client");
  });
});
