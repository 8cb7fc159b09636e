// Security round 3, finding 7: every absolute URL the platform hands out is built on its configured
// public origin (APP_BASE_URL, else JWT_ISSUER), never on the request's Host header: a request that
// arrives under another name (a forged Host, a second hostname routed to the Worker) cannot make
// the platform store, send or publish links to somewhere else.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { testDeps } from "../kit/deps";
import { approvedVideo } from "../video/fixtures";
import { json, registerUser, type TestUser } from "../helpers";
import { samples } from "../media/samples";
import { uploadFile } from "../media/fixtures";
import { newAdmin } from "./fixtures";

const FORGED = "http://attacker.example";
const configured = () => testDeps().config.publicOrigin;

/** A request as `api()` sends it, but addressed to the forged host. */
function forged(path: string, options: { token?: string; body?: unknown; method?: string } = {}): Promise<Response> {
  const headers = new Headers();
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.body !== undefined) headers.set("content-type", "application/json");
  return SELF.fetch(`${FORGED}${path}`, {
    method: options.method ?? (options.body !== undefined ? "POST" : "GET"),
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function ok(response: Response, status = 200) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text);
}

const onConfiguredOrigin = (url: string) => expect(new URL(url).origin).toBe(configured());

describe("finding 7: handed-out URLs use the configured public origin", () => {
  it("the configured origin is not the forged one (the test means something)", () => {
    expect(configured()).not.toBe(FORGED);
  });

  it("a signed file URL", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.png);
    const signed = await ok(await forged(`/v1/files/${file.id}/url`, { token: user.accessToken }));
    onConfiguredOrigin(signed.url);
  });

  it("an avatar URL, stored and then shown to everyone", async () => {
    const user = await registerUser();
    const file = await uploadFile(user, samples.largeJpeg, { purpose: "avatar" });
    const { user: updated } = await ok(await forged("/v1/me/avatar", { method: "PUT", token: user.accessToken, body: { fileId: file.id } }));
    onConfiguredOrigin(updated.avatarUrl);
  });

  it("a studio share link and the signed picture URLs of its page", async () => {
    const user = await registerUser();
    const project = await ok(await forged("/v1/studio/projects", { token: user.accessToken, body: { name: "Shared" } }), 201);
    const link = await ok(await forged(`/v1/studio/projects/${project.id}/shares`, { token: user.accessToken, body: {} }), 201);
    onConfiguredOrigin(link.url);
  });

  it("an invite link", async () => {
    const admin: TestUser = await newAdmin();
    const invite = await ok(await forged("/v1/invites", { token: admin.accessToken, body: {} }), 201);
    onConfiguredOrigin(invite.url);
  });

  it("a video's upload URL and its public page's og:url and player", async () => {
    const user = await registerUser();
    const created = await ok(await forged("/v1/videos", { token: user.accessToken, body: { title: "Boats" } }), 201);
    onConfiguredOrigin(created.upload.url);
    const { id } = await approvedVideo(user, { title: "Harbour" });
    const body = await (await forged(`/v/${id}`)).text();
    const ogUrl = /<meta property="og:url" content="([^"]*)">/.exec(body)?.[1];
    expect(ogUrl).toBe(`${configured()}/v/${id}`);
    expect(body).not.toContain(FORGED);
  });

  it("the OpenAPI and AsyncAPI documents name the configured server", async () => {
    const openapi = await json(await forged("/openapi.json"));
    expect(JSON.stringify(openapi.servers)).not.toContain(FORGED);
    const asyncapi = await json(await forged("/asyncapi.json"));
    expect(JSON.stringify(asyncapi.servers)).not.toContain("attacker.example");
  });
});
