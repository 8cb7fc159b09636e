import { describe, expect, it } from "vitest";
import { api, json } from "../helpers";

const METHODS = ["get", "post", "put", "patch", "delete"];

interface OpenApi {
  info: { description: string };
  paths: Record<string, Record<string, { tags?: string[] }>>;
}

interface AsyncApi {
  asyncapi: string;
  servers: { platform: { host: string; protocol: string } };
  channels: Record<string, { address: string | null; servers?: { $ref: string }[]; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, { name: string }> };
}

describe("GET /docs", () => {
  it("is a page of its own with every REST operation and every socket frame, and a CSP that allows no script and no other origin", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toMatch(/script-src|https?:|\*/);
    const html = await response.text();
    expect(html).not.toContain("<script");
    expect(html.match(/(?:src|href)="(?:https?:)?\/\/[^"]*"/g) ?? []).toEqual([]);

    const openapi = await json<OpenApi>(await api("/openapi.json"));
    for (const [path, item] of Object.entries(openapi.paths)) {
      for (const method of METHODS.filter((m) => item[m])) {
        expect(html, `${method} ${path}`).toContain(`${method.toUpperCase()}</span><span class="path">${path}</span>`);
      }
    }
    const asyncapi = await json<AsyncApi>(await api("/asyncapi.json"));
    for (const channel of Object.values(asyncapi.channels)) {
      expect(html).toContain(channel.address ?? "Web Push / FCM");
      for (const ref of Object.values(channel.messages)) {
        const message = asyncapi.components.messages[ref.$ref.split("/").pop()!]!;
        expect(html, `${channel.address} ${message.name}`).toContain(`<code>${message.name}</code>`);
      }
    }
  });

  it("serves its stylesheet", async () => {
    const response = await api("/docs/style.css");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/css");
    expect(await response.text()).toContain(".method.get");
  });
});

describe("GET /asyncapi.json", () => {
  it("is an AsyncAPI 3.0 document for the origin it was asked on", async () => {
    const document = await json<AsyncApi>(await api("/asyncapi.json"));
    expect(document.asyncapi).toBe("3.0.0");
    expect(document.servers.platform).toMatchObject({ host: "platform.test", protocol: "ws" });
    expect(Object.values(document.channels).map((c) => c.address).sort()).toEqual(["/v1/calls/{callId}/ws", "/v1/chats/{chatId}/ws", "/v1/realtime", null]);
    // Push notifications are delivered by the device's push service, not a socket of ours.
    expect(document.channels.push).toMatchObject({ address: null, servers: [{ $ref: "#/servers/pushServices" }] });
    expect(Object.keys(document.channels.push!.messages).sort()).toEqual(["server.call.incoming", "server.call.stop", "server.message"]);
  });
});

describe("GET /openapi.json", () => {
  it("names exactly the modules it documents, and links the docs documents", async () => {
    const document = await json<OpenApi>(await api("/openapi.json"));
    const tags = new Set(Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
    const named = /Modules: ([^.]+)\./.exec(document.info.description)?.[1]?.split(", ") ?? [];
    expect(new Set(named)).toEqual(tags);
    for (const path of ["/openapi.json", "/asyncapi.json", "/docs"]) expect(document.paths[path]?.get, path).toBeDefined();
  });
});
