import { beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../shared/ids";
import { makeAdmin } from "../kit/users";
import { api, registerUser, type TestUser, uniqueIp } from "../helpers";
import {
  accessOf,
  type OpenApiDocument,
  type Operation,
  openapiDocument,
  operationsOf,
  type ParameterObject,
  resolveSchema,
  type SchemaObject,
} from "./openapi-operations";

/**
 * Every operation of the app's own /openapi.json, driven with bad input: no token, ids that do
 * not exist or are not ids at all, bodies that are not the declared object, query values of the
 * wrong type. Whatever comes in, the answer is a 4xx problem+json with a stable code, never a
 * 5xx. The module tests check the exact code of each refusal; this one checks that nothing was
 * forgotten, including operations added later.
 */

/** Operations this sweep does not drive, and why. A new operation must be swept or named here. */
const NOT_SWEPT: Record<string, string> = {
  "GET /health": "public and takes no input",
  "GET /ready": "public and takes no input",
  "GET /.well-known/jwks.json": "public and takes no input",
  "GET /openapi.json": "public and takes no input",
  "GET /asyncapi.json": "public and takes no input",
  "GET /docs": "public and takes no input",
  "GET /docs/style.css": "public and takes no input",
  "GET /favicon.svg": "public and takes no input",
  "GET /v1/auth/phone": "public and takes no input (what the server offers by phone)",
  "OPTIONS /v1/uploads": "tus capability discovery: public and takes no input",
  "POST /dev/media/direct-put": "development only (bench:upload's baseline): absent in production, takes raw bytes and no parameters",
  "GET /dev/d1-round-trip": "development only (bench:auth's floor): absent in production and takes no input",
};

/**
 * Public lists whose path parameter is a filter, not a resource: an unknown value has nothing in
 * it (`200` with no items, as test/media/gallery.test.ts expects); anything else still must not 5xx.
 */
const PATH_FILTERS: Record<string, string> = {
  "GET /v1/users/{id}/images": "one user's public gallery images: an unknown user has none",
  // Not a filter, but `..` as the id makes the URL /v1/vacancies, the public search: a 200 page, empty here.
  "GET /v1/companies/{id}/vacancies": "a company's vacancies for its members; `..` for the id lands on the public search (no vacancies in this sweep)",
};

/** Operations only a role may call: an ordinary user is refused (403) before the path, body or query is read, so those checks use an admin. */
const ROLE_GATED = new Set([
  "GET /v1/admin/users",
  "GET /v1/admin/audit-events",
  "POST /v1/admin/invites",
  "GET /v1/admin/invites",
  "GET /v1/admin/metrics",
  "POST /v1/admin/jobs/search-index/rebuild",
  "POST /v1/studio/providers",
  "GET /v1/studio/providers",
  "GET /v1/studio/edit-config",
  "PUT /v1/studio/edit-config",
  "GET /v1/studio/edit-config/versions",
  "GET /v1/admin/studio/{kind}",
  "POST /v1/admin/studio/{kind}/{id}/hide",
  "POST /v1/admin/studio/{kind}/{id}/unhide",
  "DELETE /v1/admin/studio/{kind}/{id}",
  "GET /v1/moderation/videos",
  "GET /v1/admin/users/{id}",
  "PUT /v1/admin/users/{id}/role",
  "POST /v1/admin/users/{id}/disable",
  "POST /v1/admin/users/{id}/enable",
  "DELETE /v1/admin/users/{id}/sessions",
  "GET /v1/admin/users/{id}/sessions",
  "DELETE /v1/admin/users/{id}/sessions/{sessionId}",
  "POST /v1/admin/users/{id}/2fa/reset",
  "DELETE /v1/admin/invites/{code}",
  "POST /v1/studio/providers/{id}/models",
  "PATCH /v1/studio/providers/{id}",
  "PATCH /v1/studio/providers/{id}/models/{modelId}",
  "POST /v1/admin/oauth/clients",
  "GET /v1/admin/oauth/clients",
  "GET /v1/admin/oauth/clients/{clientId}",
  "PATCH /v1/admin/oauth/clients/{clientId}",
  "POST /v1/admin/oauth/clients/{clientId}/disable",
  "POST /v1/admin/oauth/clients/{clientId}/enable",
  "POST /v1/admin/oauth/clients/{clientId}/secret",
  "DELETE /v1/admin/oauth/clients/{clientId}",
  "GET /v1/admin/backup",
  "GET /v1/admin/backup/tables/{table}",
  "GET /v1/admin/backup/objects/{kind}",
  "GET /v1/admin/backup/objects/{kind}/{name}",
  "GET /v1/admin/backup/objects/{kind}/{name}/tables/{table}",
  "GET /v1/admin/backup/objects/{kind}/{name}/keys",
  "POST /v1/admin/restore/objects/{kind}/{name}",
  "POST /v1/admin/restore/objects/{kind}/{name}/rewind",
  "GET /v1/admin/backup/files",
  "GET /v1/admin/backup/file",
  "PUT /v1/admin/restore/file",
]);

/** Header parameters the sweep sends with plausible values, so a refusal is about the part under test. */
const PLAUSIBLE_HEADERS: Record<string, string> = { "tus-resumable": "1.0.0", "upload-offset": "0", "upload-length": "16" };

/** Path values that name nothing: a well-formed id that does not exist, and values that are not ids at all. */
const PATH_VALUES: [string, string][] = [
  ["unknown id", newId()],
  ["NUL byte", "%00"],
  ["very long", "x".repeat(5000)],
  ["dot-dot", ".."],
  ["encoded slash", "a%2Fb"],
  ["SQL-ish", encodeURIComponent("' OR 1=1 --")],
  ["emoji", encodeURIComponent("🙂")],
  ["broken percent-encoding", "%E0%A4%A"],
  ["a lone percent sign", "%"],
];

const segment = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Authorization headers that are not a valid token: none of them may get past 401. */
const FORGED_CREDENTIALS: [string, string][] = [
  ["not a JWT", "Bearer not.a.token"],
  ["an empty bearer", "Bearer "],
  ["another scheme", "Basic dXNlcjpwYXNzd29yZA=="],
  ["alg none", `Bearer ${segment({ alg: "none", typ: "JWT" })}.${segment({ sub: "someone", role: "admin", exp: 4_102_444_800 })}.`],
  ["an unknown key id", `Bearer ${segment({ alg: "ES256", kid: "no-such-key" })}.${segment({ sub: "someone", exp: 4_102_444_800 })}.${"A".repeat(86)}`],
  ["a header that is not JSON", `Bearer ${btoa("{{{").replace(/=+$/, "")}.e30.sig`],
];

/** Request bodies that are not the declared JSON object. */
const BAD_BODIES: [string, string][] = [
  ["malformed JSON", "{not json"],
  ["a JSON array", "[]"],
  ["null", "null"],
  ["a number", "42"],
  ["a string", '"text"'],
  ["deeply nested", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
  ["deeply nested object", `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`],
  ["prototype keys", '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'],
  ["a number past double range", '{"x": 1e999}'],
  ["a lone surrogate", '{"x": "\\ud800"}'],
  ["an empty body", ""],
];

interface Failure {
  route: string;
  check: string;
  status: number;
  body: string;
}

type Outcome = { status: number; contentType: string; body: string };

/**
 * A socket route that accepted the sweep's request (101) hands back a socket: close it at once.
 * Left to the garbage collector, workerd prints "other end of WebSocketPipe was destroyed" into
 * a passing run.
 */
function closeSocket(response: Response): Response {
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000, "sweep done");
  }
  return response;
}

async function send(method: string, path: string, options: { token?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Outcome> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = closeSocket(await api(path, { method, token: options.token, body: options.body, headers, ip: uniqueIp() }));
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: method === "HEAD" ? "" : await response.text() };
}

/** A problem+json answer in `accepted` with a string `code` (HEAD has no body: its status is all there is). */
function problemFailure(route: string, check: string, method: string, outcome: Outcome, accepted: (status: number) => boolean): Failure | null {
  if (!accepted(outcome.status)) return { route, check, status: outcome.status, body: outcome.body.slice(0, 300) };
  if (method === "HEAD") return null;
  let code: unknown;
  try {
    code = JSON.parse(outcome.body).code;
  } catch {
    code = undefined;
  }
  if (!outcome.contentType.includes("application/problem+json") || typeof code !== "string") {
    return { route, check: `${check} (not problem+json with a code)`, status: outcome.status, body: outcome.body.slice(0, 300) };
  }
  return null;
}

const isClientError = (status: number) => status >= 400 && status < 500;
const is400 = (status: number) => status === 400;

const pathParams = (op: Operation) => (op.operation.parameters ?? []).filter((p) => p.in === "path");
const queryParams = (op: Operation) => (op.operation.parameters ?? []).filter((p) => p.in === "query");

function headersFor(op: Operation): Record<string, string> {
  // Socket routes answer 426 to anything that is not an upgrade, before reading who is asking.
  const headers: Record<string, string> = "101" in op.operation.responses ? { upgrade: "websocket" } : {};
  for (const p of op.operation.parameters ?? []) if (p.in === "header" && PLAUSIBLE_HEADERS[p.name]) headers[p.name] = PLAUSIBLE_HEADERS[p.name]!;
  return headers;
}

/** The operation's path with every path parameter set to `value` (or to values from `values`). */
function fillPath(op: Operation, value: string, values: Record<string, string> = {}): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? value);
}

function jsonBodySchema(document: OpenApiDocument, op: Operation): SchemaObject | undefined {
  const content = op.operation.requestBody?.content["application/json"];
  return content ? (resolveSchema(document, content.schema) ?? {}) : undefined;
}

/** Every property an object schema (or the members of its union) declares. */
function declaredProperties(document: OpenApiDocument, schema: SchemaObject): Record<string, SchemaObject> {
  const found: Record<string, SchemaObject> = {};
  for (const variant of objectVariants(document, schema)) for (const [name, property] of Object.entries(variant.properties)) found[name] ??= property;
  return found;
}

/**
 * The object shapes a body schema admits: one for a plain object, one per member of a union. Each
 * carries the member's discriminator (a property with a single allowed value), so a mutation of
 * another property reaches that member's checks.
 */
function objectVariants(document: OpenApiDocument, schema: SchemaObject): { properties: Record<string, SchemaObject>; base: Record<string, unknown> }[] {
  const resolved = resolveSchema(document, schema) ?? {};
  const members = [...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])];
  if (members.length) return members.flatMap((member) => objectVariants(document, member));
  const properties: Record<string, SchemaObject> = {};
  for (const part of [resolved, ...(resolved.allOf ?? [])]) {
    for (const [name, property] of Object.entries(resolveSchema(document, part)?.properties ?? {}))
      properties[name] ??= resolveSchema(document, property) ?? {};
  }
  const base: Record<string, unknown> = {};
  // A property with a single allowed value is how a union member names itself (`type: "direct"`).
  for (const [name, property] of Object.entries(properties)) {
    if (property.const !== undefined) base[name] = property.const;
    else if (property.enum?.length === 1) base[name] = property.enum[0];
  }
  return [{ properties, base }];
}

/** The JSON types a schema admits, following unions. */
function jsonTypes(document: OpenApiDocument, schema: SchemaObject): Set<string> {
  const types = new Set<string>();
  const visit = (s: SchemaObject | undefined) => {
    const resolved = resolveSchema(document, s);
    if (!resolved) return;
    if (resolved.type) for (const t of [resolved.type].flat()) types.add(t === "integer" ? "number" : t);
    if (resolved.const !== undefined) types.add(resolved.const === null ? "null" : typeof resolved.const);
    if (resolved.enum) for (const v of resolved.enum) types.add(v === null ? "null" : typeof v);
    for (const member of [...(resolved.anyOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.allOf ?? [])]) visit(member);
  };
  visit(schema);
  return types;
}

/** A value of a JSON type the property does not admit, or undefined when it admits anything. */
function wrongTypeFor(document: OpenApiDocument, property: SchemaObject): unknown {
  const admitted = jsonTypes(document, property);
  if (admitted.size === 0) return undefined;
  const candidates: [string, unknown][] = [
    ["number", 12345],
    ["string", "wrong type"],
    ["boolean", true],
    ["object", { unexpected: 1 }],
    ["array", [1, 2]],
  ];
  return candidates.find(([type]) => !admitted.has(type))?.[1];
}

/** Values of the right type that the property's own limits refuse (length, range, enum, item count). */
function outOfRangeFor(document: OpenApiDocument, property: SchemaObject): [string, unknown][] {
  const schema = resolveSchema(document, property) ?? {};
  const types = [schema.type ?? []].flat();
  const values: [string, unknown][] = [];
  if (types.includes("string") && typeof schema.maxLength === "number" && schema.maxLength < 100_000)
    values.push(["too long", "x".repeat(schema.maxLength + 1)]);
  if ((types.includes("integer") || types.includes("number")) && typeof schema.minimum === "number") values.push(["below minimum", schema.minimum - 1]);
  if ((types.includes("integer") || types.includes("number")) && typeof schema.maximum === "number") values.push(["above maximum", schema.maximum + 1]);
  if (types.includes("integer")) values.push(["fractional", (schema.minimum ?? 0) + 0.5]);
  if (schema.enum?.every((v) => typeof v === "string")) values.push(["not in the enum", "not-one-of-them"]);
  if (types.includes("array") && typeof schema.maxItems === "number" && schema.maxItems < 10_000) {
    const item = resolveSchema(document, schema.items) ?? {};
    const sample = [item.type ?? []].flat().includes("string")
      ? Array.from({ length: schema.maxItems + 1 }, (_, i) => `item${i}`)
      : Array.from({ length: schema.maxItems + 1 }, (_, i) => i);
    values.push(["too many items", sample]);
  }
  if (types.includes("array") && schema.items) {
    const wrongItem = wrongTypeFor(document, schema.items);
    if (wrongItem !== undefined) values.push(["an item of the wrong type", [wrongItem]]);
  }
  return values;
}

/** Mutations of one property each: `[label, property path, body]`, nested objects one level deep. */
function propertyMutations(document: OpenApiDocument, schema: SchemaObject): [string, string, unknown][] {
  const mutations: [string, string, unknown][] = [];
  for (const { properties, base } of objectVariants(document, schema)) {
    for (const [name, property] of Object.entries(properties)) {
      const rest = { ...base };
      delete rest[name];
      const wrong = wrongTypeFor(document, property);
      if (wrong !== undefined) mutations.push([`${name}: wrong type`, name, { ...rest, [name]: wrong }]);
      for (const [label, value] of outOfRangeFor(document, property)) mutations.push([`${name}: ${label}`, name, { ...rest, [name]: value }]);
      for (const [inner, innerProperty] of Object.entries(declaredProperties(document, property))) {
        const innerWrong = wrongTypeFor(document, innerProperty);
        if (innerWrong !== undefined) mutations.push([`${name}.${inner}: wrong type`, `${name}.${inner}`, { ...rest, [name]: { [inner]: innerWrong } }]);
      }
    }
  }
  return mutations;
}

/** Query values a parameter's schema refuses (empty when any string is a valid value). */
function refusedQueryValues(document: OpenApiDocument, param: ParameterObject): string[] {
  const schema = resolveSchema(document, param.schema) ?? {};
  const types = [schema.type ?? []].flat();
  const values: string[] = [];
  if (types.includes("integer")) values.push("abc", "1.5", "1e400");
  else if (types.includes("number")) values.push("abc", "1e400", "NaN");
  if (typeof schema.minimum === "number") values.push(String(schema.minimum - 1));
  if (typeof schema.maximum === "number") values.push(String(schema.maximum + 1));
  if (schema.enum?.length) values.push("not-one-of-them");
  if (types.includes("string") && typeof schema.maxLength === "number") values.push("x".repeat(schema.maxLength + 1));
  return values;
}

/** Strings any parameter must survive (a string parameter may accept them: then anything below 500 will do). */
const HOSTILE_QUERY_VALUES = [
  "%00",
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('"*" NEAR(a b) OR ^x'),
  "x".repeat(3000),
  "%E0%A4%A",
  "%",
  "1&$NAME=2",
];

/** Runs `work` over `items` a few at a time (the machine is shared; D1 is local). */
async function inBatches<T>(items: T[], work: (item: T) => Promise<void>, size = 6): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

const report = (failures: Failure[]) => failures.map((f) => `${f.route} [${f.check}] -> ${f.status} ${f.body}`);

// Each sweep sends every operation several requests (some 300 operations): on a loaded 2-core machine
// that is more than the default 30 s, without anything being wrong.
describe("endpoint sweep over /openapi.json", { timeout: 120_000 }, () => {
  let document: OpenApiDocument;
  let operations: Operation[];
  let user: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    document = await openapiDocument();
    operations = operationsOf(document).filter((op) => !(op.route in NOT_SWEPT));
    [user, admin] = await Promise.all([registerUser(), registerUser()]);
    await makeAdmin(admin);
  });

  const tokenFor = (op: Operation) => (ROLE_GATED.has(op.route) ? admin : user).accessToken;

  it("sweeps every operation or names it with a reason, and names only operations that exist", () => {
    const served = new Set(operationsOf(document).map((op) => op.route));
    expect(
      Object.keys(NOT_SWEPT).filter((route) => !served.has(route)),
      "listed but not served",
    ).toEqual([]);
    expect(
      [...ROLE_GATED].filter((route) => !served.has(route)),
      "role-gated but not served",
    ).toEqual([]);
    expect(
      Object.keys(PATH_FILTERS).filter((route) => !served.has(route)),
      "path filters but not served",
    ).toEqual([]);
    // An operation is swept when at least one check below applies to it.
    const unswept = operations.filter(
      (op) => accessOf(op.operation) === "none" && pathParams(op).length === 0 && !jsonBodySchema(document, op) && queryParams(op).length === 0,
    );
    expect(
      unswept.map((op) => op.route),
      "operations no check applies to: sweep them or add them to NOT_SWEPT with the reason",
    ).toEqual([]);
    expect(operations.length).toBeGreaterThan(100);
  });

  it("operations that need a token answer 401 problem+json without one, or with credentials that are not a token", async () => {
    const failures: Failure[] = [];
    const secured = operations.filter((op) => accessOf(op.operation) === "token" || accessOf(op.operation) === "optional token");
    await inBatches(secured, async (op) => {
      const path = fillPath(op, newId());
      const headers = headersFor(op);
      const body = jsonBodySchema(document, op) ? "{}" : undefined;
      if (accessOf(op.operation) === "token") {
        const failure = problemFailure(op.route, "no token", op.method, await send(op.method, path, { headers, body }), (s) => s === 401);
        if (failure) failures.push(failure);
      }
      for (const [label, authorization] of FORGED_CREDENTIALS) {
        const forged = problemFailure(
          op.route,
          label,
          op.method,
          await send(op.method, path, { headers: { ...headers, authorization }, body }),
          (s) => s === 401,
        );
        if (forged) failures.push(forged);
      }
    });
    expect(report(failures)).toEqual([]);
    expect(secured.length).toBeGreaterThan(100);
  });

  it("an ordinary user is refused (403) by every role-gated operation, before anything else", async () => {
    const failures: Failure[] = [];
    for (const op of operations.filter((o) => ROLE_GATED.has(o.route))) {
      const body = jsonBodySchema(document, op) ? "{}" : undefined;
      const failure = problemFailure(
        op.route,
        "ordinary user",
        op.method,
        await send(op.method, fillPath(op, "x".repeat(5000)), { token: user.accessToken, body }),
        (s) => s === 403,
      );
      if (failure) failures.push(failure);
    }
    expect(report(failures)).toEqual([]);
  });

  it("an operation that proves itself otherwise refuses a request without the proof (401)", async () => {
    const failures: Failure[] = [];
    const signed = operations.filter((op) => accessOf(op.operation) === "signature");
    for (const op of signed) {
      const failure = problemFailure(op.route, "no signature", op.method, await send(op.method, fillPath(op, newId()), { body: "{}" }), (s) => s === 401);
      if (failure) failures.push(failure);
    }
    expect(report(failures)).toEqual([]);
    expect(signed.map((op) => op.route)).toEqual(["POST /v1/webhooks/stream"]);
  });

  it("path parameters that name nothing or are not ids answer a 4xx problem (400 past their length), never a 5xx", async () => {
    const failures: Failure[] = [];
    const withParams = operations.filter((op) => pathParams(op).length > 0);
    const cases = withParams.flatMap((op) => PATH_VALUES.map(([label, value]) => ({ op, label, value })));
    await inBatches(cases, async ({ op, label, value }) => {
      const body = jsonBodySchema(document, op) ? "{}" : undefined;
      const token = accessOf(op.operation) === "none" ? undefined : tokenFor(op);
      const outcome = await send(op.method, fillPath(op, value), { token, body, headers: headersFor(op) });
      if (op.route in PATH_FILTERS && outcome.status === 200) return void expect(JSON.parse(outcome.body).items, op.route).toEqual([]);
      // A value past the parameter's declared length is refused as such (400), before any lookup.
      const failure = problemFailure(op.route, `path: ${label}`, op.method, outcome, label === "very long" ? is400 : isClientError);
      if (failure) failures.push(failure);
    });
    expect(report(failures)).toEqual([]);
    expect(withParams.length).toBeGreaterThan(50);
  });

  it("a JSON body that is not the declared object is refused: 400 where the path names nothing, a 4xx problem otherwise", async () => {
    const failures: Failure[] = [];
    const withBody = operations.filter((op) => jsonBodySchema(document, op));
    const cases: { op: Operation; label: string; body: string; property?: string }[] = [];
    for (const op of withBody) {
      for (const [label, body] of BAD_BODIES) cases.push({ op, label, body });
      for (const [label, property, body] of propertyMutations(document, jsonBodySchema(document, op)!))
        cases.push({ op, label, body: JSON.stringify(body), property });
    }
    await inBatches(cases, async ({ op, label, body, property }) => {
      const token = accessOf(op.operation) === "none" ? undefined : tokenFor(op);
      const outcome = await send(op.method, fillPath(op, newId()), { token, body, headers: headersFor(op) });
      const failure = problemFailure(op.route, `body: ${label}`, op.method, outcome, pathParams(op).length ? isClientError : is400);
      if (failure) return void failures.push(failure);
      // A refusal of the body names the property that is wrong, so the 400 is about it and not only about what is missing.
      const problem = JSON.parse(outcome.body) as { code: string; errors?: { path: string }[] };
      if (property && outcome.status === 400 && problem.code === "invalid_body") {
        const named = (problem.errors ?? []).some((e) => e.path === property || e.path.startsWith(`${property}.`));
        if (!named)
          failures.push({
            route: op.route,
            check: `body: ${label} (errors do not name ${property})`,
            status: outcome.status,
            body: outcome.body.slice(0, 300),
          });
      }
    });
    expect(report(failures)).toEqual([]);
    expect(withBody.length).toBeGreaterThan(50);
    expect(cases.length).toBeGreaterThan(withBody.length * BAD_BODIES.length);
  });

  it("operations that take raw bytes refuse JSON, and every header parameter refuses nonsense, with a 4xx problem", async () => {
    const failures: Failure[] = [];
    const rawBody = operations.filter((op) => op.operation.requestBody && !jsonBodySchema(document, op));
    const withHeaders = operations.filter((op) => (op.operation.parameters ?? []).some((p) => p.in === "header"));
    const cases: { op: Operation; check: string; headers: Record<string, string>; body?: string }[] = [];
    for (const op of rawBody) cases.push({ op, check: "JSON instead of bytes", headers: headersFor(op), body: "{}" });
    for (const op of withHeaders) {
      for (const param of (op.operation.parameters ?? []).filter((p) => p.in === "header")) {
        for (const value of ["abc", "-1", "0.5", "x".repeat(5000)])
          cases.push({ op, check: `header ${param.name}: ${value.slice(0, 20)}`, headers: { ...headersFor(op), [param.name]: value } });
      }
    }
    await inBatches(cases, async ({ op, check, headers, body }) => {
      const token = accessOf(op.operation) === "none" ? undefined : tokenFor(op);
      const path = fillPath(op, newId());
      const response = closeSocket(
        await api(path, {
          method: op.method,
          token,
          headers: body ? { ...headers, "content-type": "application/json" } : headers,
          body,
          ip: uniqueIp(),
        }),
      );
      const outcome = {
        status: response.status,
        contentType: response.headers.get("content-type") ?? "",
        body: op.method === "HEAD" ? "" : await response.text(),
      };
      const failure = problemFailure(op.route, check, op.method, outcome, isClientError);
      if (failure) failures.push(failure);
    });
    expect(report(failures)).toEqual([]);
    expect(rawBody.length).toBeGreaterThanOrEqual(3);
    expect(withHeaders.length).toBeGreaterThanOrEqual(5);
  });

  it("query values of the wrong type or out of range are refused (400 where the path names nothing), hostile strings never get a 5xx", async () => {
    const failures: Failure[] = [];
    const withQuery = operations.filter((op) => queryParams(op).length > 0);
    const cases: { op: Operation; param: string; value: string; refused: boolean }[] = [];
    for (const op of withQuery) {
      for (const param of queryParams(op)) {
        for (const value of refusedQueryValues(document, param)) cases.push({ op, param: param.name, value, refused: true });
        for (const value of HOSTILE_QUERY_VALUES) cases.push({ op, param: param.name, value, refused: false });
      }
    }
    await inBatches(cases, async ({ op, param, value, refused }) => {
      const token = accessOf(op.operation) === "none" ? undefined : tokenFor(op);
      const body = jsonBodySchema(document, op) ? "{}" : undefined;
      const path = `${fillPath(op, newId())}?${param}=${value.replace("$NAME", param)}`;
      const outcome = await send(op.method, path, { token, body, headers: headersFor(op) });
      const check = `query ${param}=${value.slice(0, 40)}`;
      const failure = refused
        ? problemFailure(op.route, check, op.method, outcome, pathParams(op).length ? isClientError : is400)
        : outcome.status >= 500
          ? { route: op.route, check, status: outcome.status, body: outcome.body.slice(0, 300) }
          : null;
      if (failure) failures.push(failure);
    });
    expect(report(failures)).toEqual([]);
    expect(withQuery.length).toBeGreaterThan(25);
  });
});
