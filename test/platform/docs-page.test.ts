import { describe, expect, it } from "vitest";
import { api, json } from "../helpers";
import { modules } from "../../workers/modules";
import { errorCatalogue } from "../../workers/reference-docs";

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

  it("shows the problem schema once, linked from every error response, and indexes every declared error code", async () => {
    const html = await (await api("/docs")).text();
    expect(html.split("requestId: string").length - 1).toBe(1);
    expect(html).toContain('<p id="problem">');
    expect(html).toContain('a <a href="#problem">problem document</a>');
    const codes = errorCatalogue(modules).map((entry) => entry.code);
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) expect(html, code).toContain(`<tr id="error-${code.replace(/_/g, "-")}"><td><code>${code}</code>`);
    expect(html).toContain('<a href="#errors">');
  });

  it("groups the navigation by module and keeps responses collapsed", async () => {
    const html = await (await api("/docs")).text();
    const openapi = await json<OpenApi>(await api("/openapi.json"));
    const tags = new Set(Object.values(openapi.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
    for (const tag of tags) {
      expect(html, tag).toContain(`<details><summary>${tag} (`);
      expect(html, tag).toContain(`<a href="#tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, "-")}">All of ${tag}</a>`);
    }
    // A link inside a summary is a control nested in a control (axe-core's nested-interactive).
    expect(html).not.toMatch(/<summary>(?:(?!<\/summary>)[\s\S])*<a /);
    expect(html).toMatch(/<details><summary>Errors: 400, 401/);
    expect(html).toMatch(/<details><summary>Responses: 200<\/summary>/);
  });

  it("sets a summary's `code` as code, as it does a description's, not as backticks", async () => {
    const html = await (await api("/docs")).text();
    expect(html).toContain("<strong>Message history: newest first (<code>before</code>");
    expect(html).not.toMatch(/<strong>[^<]*`/);
  });

  it("links a favicon it serves", async () => {
    const html = await (await api("/docs")).text();
    expect(html).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
    const icon = await api("/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toContain("image/svg+xml");
    expect(await icon.text()).toMatch(/^<svg /);
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
    expect(
      Object.values(document.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(["/v1/calls/{callId}/ws", "/v1/chats/{chatId}/ws", "/v1/group-calls/{callId}/ws", "/v1/realtime", null]);
    // Push notifications are delivered by the device's push service, not a socket of ours.
    expect(document.channels.push).toMatchObject({ address: null, servers: [{ $ref: "#/servers/pushServices" }] });
    expect(Object.keys(document.channels.push!.messages).sort()).toEqual([
      "server.application.updated",
      "server.call.incoming",
      "server.call.stop",
      "server.message",
    ]);
  });
});

describe("GET /openapi.json", () => {
  it("is the same document on consecutive requests", async () => {
    const first = await (await api("/openapi.json")).text();
    const second = await (await api("/openapi.json")).text();
    expect(second).toBe(first);
    expect(first.split("Modules:").length - 1).toBe(1);
  });

  it("describes the problem schema once, as a component every error response references", async () => {
    const document = await json<OpenApi & { components: { schemas: Record<string, unknown> } }>(await api("/openapi.json"));
    expect(document.components.schemas.Problem).toBeDefined();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item) as [
        string,
        { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> },
      ][]) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const problem = response.content?.["application/problem+json"];
          if (problem) expect(problem.schema, `${method} ${path} ${status}`).toEqual({ $ref: "#/components/schemas/Problem" });
        }
      }
    }
  });

  it("names exactly the modules it documents, and links the docs documents", async () => {
    const document = await json<OpenApi>(await api("/openapi.json"));
    const tags = new Set(Object.values(document.paths).flatMap((item) => Object.values(item).flatMap((op) => op.tags ?? [])));
    const named = /Modules: ([^.]+)\./.exec(document.info.description)?.[1]?.split(", ") ?? [];
    expect(new Set(named)).toEqual(tags);
    for (const path of ["/openapi.json", "/asyncapi.json", "/docs"]) expect(document.paths[path]?.get, path).toBeDefined();
  });
});
