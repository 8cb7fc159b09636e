import type { AsyncApiDocument } from "../realtime/asyncapi";

/**
 * The `/docs` page, rendered on the server from the OpenAPI and AsyncAPI documents. It has no
 * script at all, so its Content-Security-Policy can forbid every script and every other origin:
 * the identity server's own origin never runs third-party code, and the page works offline.
 */

type Schema = Record<string, unknown>;

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface OpenApiMediaTypes {
  [contentType: string]: { schema?: Schema };
}

interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, unknown>[];
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; content?: OpenApiMediaTypes } | { $ref: string };
  responses?: Record<string, { description?: string; content?: OpenApiMediaTypes } | { $ref: string }>;
}

export interface OpenApiDocumentLike {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, object>;
  components?: { schemas?: Record<string, object> };
}

/** A declared error code, for the page's index of codes (workers/reference-docs.ts builds the list). */
export interface ErrorCodeEntry {
  code: string;
  statuses: number[];
  module: string;
  description: string;
}

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

/** Nothing from anywhere else, no script, no frames, no forms: only this origin's stylesheet. */
export const API_REFERENCE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const API_REFERENCE_STYLESHEET_PATH = "/docs/style.css";

export const FAVICON_PATH = "/favicon.svg";

/** The platform's mark: a rounded square with an edge, in the page's accent colour. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0969da"/><path d="M9 9h14v3.5H13v2h8.5V18H13v2.5h10V24H9z" fill="#fff"/></svg>';

/** Problem documents share one schema: each error response links to it instead of repeating it. */
const PROBLEM_MEDIA_TYPE = "application/problem+json";

// Fits a phone and a desktop: the grid's content track is minmax(0, 1fr) so a long schema cannot
// widen the page (it reached 1,440 px at 1280), schemas and codes wrap instead of scrolling
// sideways, and below 50rem the contents stack above the reference instead of beside it. There each
// table row is a line of its short cells (name, place, type; a status) with its description under
// them at the full width: as four columns, a description got 75 px of a phone.
export const API_REFERENCE_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #fff; --panel: #f6f8fa; --line: #d0d7de; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --line: #30363d; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); display: grid; grid-template-columns: 18rem minmax(0, 1fr); }
nav { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 1rem; border-right: 1px solid var(--line); background: var(--panel); font-size: 13px; }
nav ul { list-style: none; margin: 0 0 1rem; padding: 0; }
nav a { color: var(--fg); text-decoration: none; }
nav a:hover { color: var(--accent); }
main { padding: 1.5rem 2rem 4rem; max-width: 72rem; min-width: 0; }
header p { color: var(--muted); }
h1 { overflow-wrap: anywhere; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-top: 2.5rem; text-transform: capitalize; }
article { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: 1rem 0; min-width: 0; }
article h3 { margin: 0; font-size: 15px; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
article h4 { margin: .8rem 0 .3rem; font-size: 13px; text-transform: uppercase; color: var(--muted); }
.method { font: 700 12px ui-monospace, monospace; padding: .1rem .45rem; border-radius: 4px; color: #fff; background: #6e7781; }
.method.get { background: #1a7f37; } .method.post { background: #0969da; } .method.put, .method.patch { background: #9a6700; } .method.delete { background: #cf222e; } .method.ws { background: #8250df; }
.path { font: 600 14px ui-monospace, monospace; overflow-wrap: anywhere; min-width: 0; }
.auth { font-size: 12px; color: var(--muted); }
pre, code { font: 13px ui-monospace, monospace; overflow-wrap: anywhere; }
pre { background: var(--panel); padding: .5rem .75rem; border-radius: 4px; white-space: pre-wrap; margin: .2rem 0; }
p, td { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 14px; table-layout: fixed; }
td, th { border-top: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
.status { font-weight: 700; white-space: nowrap; width: 4rem; }
details > summary { cursor: pointer; color: var(--muted); font-size: 13px; margin: .6rem 0 .2rem; }
nav details > summary { color: var(--fg); margin: 0; font-weight: 700; }
nav details ul { margin: .2rem 0 .4rem .8rem; }
.codes th:nth-child(2), .codes th:nth-child(3) { width: 5.5rem; }
:target { outline: 2px solid var(--accent); outline-offset: 2px; }
@media (max-width: 50rem) {
  body { display: block; }
  nav { position: static; height: auto; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); }
  main { padding: 1rem .75rem 3rem; }
  article { padding: .6rem .6rem; }
  table, tbody { display: block; }
  tr { display: block; border-top: 1px solid var(--line); padding: .3rem 0; }
  tr:has(th) { display: none; }
  td { display: inline; border: 0; padding: 0 .5rem 0 0; }
  td:last-child { display: block; padding: .15rem 0 0; }
}
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** Escaped text with its `code` spans as code: a summary's and a description's little Markdown. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** Escaped text with `code` spans and paragraphs: the little Markdown the descriptions use. */
function prose(text: string | undefined): string {
  if (!text) return "";
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${inline(paragraph)}</p>`)
    .join("");
}

function anchor(...parts: string[]): string {
  return parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

/**
 * A JSON Schema as a compact TypeScript-like shape. Named components are expanded once per
 * line of descent, so recursive schemas terminate.
 */
export function describeSchema(schema: Schema | undefined, components: Record<string, Schema> = {}, indent = "", seen: string[] = []): string {
  if (!schema || Object.keys(schema).length === 0) return "any";
  if (typeof schema.$ref === "string") {
    const name = refName(schema.$ref);
    const target = components[name];
    if (!target || seen.includes(name)) return name;
    return describeSchema(target, components, indent, [...seen, name]);
  }
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants)) return variants.map((v) => describeSchema(v, components, indent, seen)).join(" | ");
  if (Array.isArray(schema.allOf)) return (schema.allOf as Schema[]).map((v) => describeSchema(v, components, indent, seen)).join(" & ");
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  const nullable = schema.nullable === true || types.includes("null");
  const type = types.find((t) => t && t !== "null") ?? (schema.properties ? "object" : undefined);
  let shape: string;
  if (type === "object") {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const required = new Set((schema.required ?? []) as string[]);
    const inner = `${indent}  `;
    const lines = Object.entries(properties).map(
      ([key, value]) => `${inner}${key}${required.has(key) ? "" : "?"}: ${describeSchema(value, components, inner, seen)}`,
    );
    if (lines.length === 0) shape = schema.additionalProperties ? "{ [key: string]: any }" : "{}";
    else shape = `{\n${lines.join(",\n")}\n${indent}}`;
  } else if (type === "array") {
    const item = describeSchema(schema.items as Schema | undefined, components, indent, seen);
    shape = /[ |&]/.test(item) && !item.startsWith("{") ? `(${item})[]` : `${item}[]`;
  } else {
    const details = [schema.format, schema.pattern ? `pattern ${schema.pattern}` : undefined].filter(Boolean);
    shape = `${type ?? "any"}${details.length ? ` (${details.join(", ")})` : ""}`;
  }
  return nullable ? `${shape} | null` : shape;
}

function resolve<T extends object>(value: T | { $ref: string } | undefined, components: Record<string, Schema>): T | undefined {
  if (value && "$ref" in value && typeof value.$ref === "string") return components[refName(value.$ref)] as T | undefined;
  return value as T | undefined;
}

function mediaTypes(content: OpenApiMediaTypes | undefined, components: Record<string, Schema>): string {
  if (!content) return "";
  return Object.entries(content)
    .map(([type, media]) => {
      if (type === PROBLEM_MEDIA_TYPE) return `<div><code>${escapeHtml(type)}</code>: a <a href="#problem">problem document</a></div>`;
      return `<div><code>${escapeHtml(type)}</code>${media.schema ? `<pre>${escapeHtml(describeSchema(media.schema, components))}</pre>` : ""}</div>`;
    })
    .join("");
}

function responseRows(responses: [string, OpenApiResponse | undefined][], components: Record<string, Schema>): string {
  return responses
    .map(
      ([status, response]) =>
        `<tr><td class="status">${escapeHtml(status)}</td><td>${escapeHtml(response?.description ?? "")}${mediaTypes(response?.content, components)}</td></tr>`,
    )
    .join("");
}

type OpenApiResponse = { description?: string; content?: OpenApiMediaTypes };

interface OperationEntry {
  method: string;
  path: string;
  operation: OpenApiOperation;
}

function operationsByTag(document: OpenApiDocumentLike): Map<string, OperationEntry[]> {
  const byTag = new Map<string, OperationEntry[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, unknown>)[method] as OpenApiOperation | undefined;
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? "other";
      const list = byTag.get(tag) ?? [];
      list.push({ method, path, operation });
      byTag.set(tag, list);
    }
  }
  return byTag;
}

function renderOperation({ method, path, operation }: OperationEntry, components: Record<string, Schema>): string {
  const parts = [
    `<article id="${anchor(method, path)}"><h3><span class="method ${method}">${method.toUpperCase()}</span><span class="path">${escapeHtml(path)}</span>`,
    operation.security?.length ? `<span class="auth">Bearer token</span>` : "",
    `</h3>`,
    operation.summary ? `<p><strong>${inline(operation.summary)}</strong></p>` : "",
    prose(operation.description),
  ];
  if (operation.parameters?.length) {
    parts.push(
      `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>`,
      ...operation.parameters.map(
        (p) =>
          `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? "" : "?"}</td><td>${escapeHtml(p.in)}</td><td><code>${escapeHtml(describeSchema(p.schema, components))}</code></td><td>${escapeHtml(p.description ?? "")}</td></tr>`,
      ),
      `</table>`,
    );
  }
  const body = resolve(operation.requestBody, components);
  if (body?.content) parts.push(`<h4>Request body</h4>`, prose(body.description), mediaTypes(body.content, components));
  const responses = Object.entries(operation.responses ?? {}).map(
    ([status, raw]) => [status, resolve<OpenApiResponse>(raw, components)] as [string, OpenApiResponse | undefined],
  );
  const successes = responses.filter(([status]) => !/^[45]/.test(status));
  const failures = responses.filter(([status]) => /^[45]/.test(status));
  if (successes.length) {
    parts.push(
      `<details><summary>Responses: ${successes.map(([status]) => escapeHtml(status)).join(", ")}</summary><table>${responseRows(successes, components)}</table></details>`,
    );
  }
  if (failures.length) {
    parts.push(
      `<details><summary>Errors: ${failures.map(([status]) => escapeHtml(status)).join(", ")}</summary><table>${responseRows(failures, components)}</table></details>`,
    );
  }
  parts.push(`</article>`);
  return parts.join("");
}

function renderSocketProtocols(asyncapi: AsyncApiDocument): string {
  const parts: string[] = [`<section id="websockets"><h2>WebSocket protocols</h2>`, prose(asyncapi.info.description)];
  for (const [id, channel] of Object.entries(asyncapi.channels)) {
    // A channel without an address is delivered by a push service (Web Push, FCM), not a socket of ours.
    const heading =
      channel.address === null
        ? `<span class="method ws">PUSH</span><span class="path">Web Push / FCM</span><span class="auth">to the devices of POST /v1/me/devices</span>`
        : `<span class="method ws">WS</span><span class="path">${escapeHtml(channel.address)}</span><span class="auth">Bearer token or ?ticket=</span>`;
    parts.push(`<article id="${anchor("socket", id)}"><h3>${heading}</h3>`, `<p><strong>${escapeHtml(channel.title)}</strong></p>`, prose(channel.description));
    for (const [direction, heading] of [
      ["client.", "Client -> server frames"],
      ["server.", "Server -> client frames"],
    ] as const) {
      parts.push(`<h4>${heading}</h4><table>`);
      for (const [key, ref] of Object.entries(channel.messages)) {
        if (!key.startsWith(direction)) continue;
        const message = asyncapi.components.messages[refName(ref.$ref)];
        if (!message) continue;
        parts.push(
          `<tr><td><code>${escapeHtml(message.name)}</code></td><td>${prose(message.summary)}<pre>${escapeHtml(describeSchema(message.payload))}</pre></td></tr>`,
        );
      }
      parts.push(`</table>`);
    }
    parts.push(`</article>`);
  }
  parts.push(`</section>`);
  return parts.join("");
}

/** The problem document's shape once, and every error code it can carry. */
function renderErrors(errors: readonly ErrorCodeEntry[], components: Record<string, Schema>): string {
  const problem = components.Problem;
  return [
    `<section id="errors"><h2>Errors</h2>`,
    `<p id="problem">Every error is a problem document (RFC 9457, <code>${PROBLEM_MEDIA_TYPE}</code>) with a stable <code>code</code>; match on <code>code</code>, never on <code>detail</code>.</p>`,
    problem ? `<pre>${escapeHtml(describeSchema(problem, components))}</pre>` : "",
    `<table class="codes"><tr><th>code</th><th>status</th><th>module</th><th>meaning</th></tr>`,
    ...errors.map(
      (entry) =>
        `<tr id="${anchor("error", entry.code)}"><td><code>${escapeHtml(entry.code)}</code></td><td>${entry.statuses.join(", ")}</td><td>${escapeHtml(entry.module)}</td><td>${escapeHtml(entry.description)}</td></tr>`,
    ),
    `</table></section>`,
  ].join("");
}

/**
 * The whole page: every operation of the OpenAPI document grouped by module (its tag), every frame
 * of the AsyncAPI one, and the index of error codes.
 */
export function renderApiReference(openapi: OpenApiDocumentLike, asyncapi: AsyncApiDocument, errors: readonly ErrorCodeEntry[] = []): string {
  const components = (openapi.components?.schemas ?? {}) as Record<string, Schema>;
  const byTag = operationsByTag(openapi);
  const nav: string[] = [];
  const sections: string[] = [];
  for (const [tag, entries] of byTag) {
    nav.push(
      // A summary is itself a control: a link inside it is a nested interactive control (axe-core
      // flagged one per module), so the module's own link is the first entry of its list.
      `<li><details><summary>${escapeHtml(tag)} (${entries.length})</summary><ul>`,
      `<li><a href="#${anchor("tag", tag)}">All of ${escapeHtml(tag)}</a></li>`,
      ...entries.map((e) => `<li><a href="#${anchor(e.method, e.path)}">${e.method.toUpperCase()} ${escapeHtml(e.path)}</a></li>`),
      `</ul></details></li>`,
    );
    sections.push(`<section id="${anchor("tag", tag)}"><h2>${escapeHtml(tag)}</h2>`, ...entries.map((e) => renderOperation(e, components)), `</section>`);
  }
  nav.push(
    `<li><a href="#websockets"><strong>WebSocket protocols</strong></a><ul>`,
    ...Object.entries(asyncapi.channels).map(
      ([id, channel]) =>
        `<li><a href="#${anchor("socket", id)}">${channel.address === null ? `PUSH ${escapeHtml(channel.title)}` : `WS ${escapeHtml(channel.address)}`}</a></li>`,
    ),
    `</ul></li>`,
    `<li><a href="#errors"><strong>Errors</strong></a> (${errors.length} codes)</li>`,
  );
  const title = escapeHtml(openapi.info.title);
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${title}</title><link rel="icon" type="image/svg+xml" href="${FAVICON_PATH}"><link rel="stylesheet" href="${API_REFERENCE_STYLESHEET_PATH}"></head><body>`,
    `<nav aria-label="Contents"><ul>${nav.join("")}</ul></nav><main><header><h1>${title} <small>${escapeHtml(openapi.info.version)}</small></h1>`,
    prose(openapi.info.description),
    `<p>Machine-readable: <a href="/openapi.json">OpenAPI 3.1 (REST)</a> and <a href="/asyncapi.json">AsyncAPI 3.0 (WebSocket frames)</a>.</p></header>`,
    ...sections,
    renderSocketProtocols(asyncapi),
    renderErrors(errors, components),
    `</main></body></html>`,
  ].join("");
}
