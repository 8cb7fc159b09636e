import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { TestSocket } from "./socket-client";

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A client address no other test uses: per-IP limits (registration, login) are keyed by it in a
 * runtime many files share, some of which move the clock (hits stamped in the future stay in
 * every window until real time passes them). 24 random bits make a collision negligible.
 */
export const uniqueIp = () => `10.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

export interface ApiOptions {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  ip?: string;
  /** Cloudflare's request metadata (request.cf), e.g. `{ country: "FR", city: "Paris" }`. */
  cf?: Record<string, unknown>;
}

export async function api(path: string, options: ApiOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  if (options.ip) headers.set("cf-connecting-ip", options.ip);
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  return SELF.fetch(`http://platform.test${path}`, {
    method: options.method ?? (body ? "POST" : "GET"),
    headers,
    body,
    ...(options.cf ? { cf: options.cf } : {}),
  });
}

export async function json<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Asserts a problem+json answer with the given status and code; returns the body. */
export async function expectProblem(response: Response, status: number, code?: string) {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/problem+json");
  const problem = JSON.parse(body);
  if (code) expect(problem.code).toBe(code);
  expect(problem.status).toBe(status);
  expect(typeof problem.requestId).toBe("string");
  return problem;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  displayName: string;
  accessToken: string;
  refreshToken: string;
  ip: string;
}

export async function registerUser(overrides: Partial<{ email: string; password: string; displayName: string; inviteCode: string }> = {}): Promise<TestUser> {
  const email = overrides.email ?? `user-${unique()}@example.com`;
  const password = overrides.password ?? `correct horse ${unique()}`;
  const displayName = overrides.displayName ?? `User ${unique()}`;
  const ip = uniqueIp();
  const response = await api("/v1/auth/register", { body: { email, password, displayName, inviteCode: overrides.inviteCode }, ip });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  const body = JSON.parse(text);
  return { id: body.user.id, email, password, displayName, accessToken: body.accessToken, refreshToken: body.refreshToken, ip };
}

export async function login(user: Pick<TestUser, "email" | "password" | "ip">, userAgent = "vitest") {
  return api("/v1/auth/login", { body: { email: user.email, password: user.password }, ip: user.ip, headers: { "user-agent": userAgent } });
}

/** A WebSocket upgrade request to the Worker (the response has the client end in `webSocket` when it is 101). */
export async function upgrade(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`http://platform.test${path}`, { headers: { upgrade: "websocket", ...headers } });
}

/** Accepts the client end of a 101 upgrade response as a TestSocket. */
export function acceptSocket(response: Response): TestSocket {
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  const socket = new TestSocket(ws);
  ws.accept();
  return socket;
}

/** Opens a socket on `path` authenticated with a Bearer token; throws with the answer when the upgrade is refused. */
export async function openSocket(path: string, token: string): Promise<TestSocket> {
  const response = await upgrade(path, { authorization: `Bearer ${token}` });
  if (response.status !== 101) throw new Error(`upgrade refused: ${response.status} ${await response.text()}`);
  return acceptSocket(response);
}

/**
 * Follows `nextCursor` through a cursor list from its first page to its last, checking each
 * answer is 200 with at most `limit` items. Returns the pages (`.flat()` for the items).
 */
export async function collectPages<T = any>(path: string, options: { token: string; limit: number; maxPages?: number }): Promise<T[][]> {
  const pages: T[][] = [];
  const separator = path.includes("?") ? "&" : "?";
  let cursor: string | null = null;
  do {
    const response = await api(`${path}${separator}limit=${options.limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: options.token });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const page = JSON.parse(text) as { items: T[]; nextCursor: string | null };
    expect(page.items.length).toBeLessThanOrEqual(options.limit);
    pages.push(page.items);
    cursor = page.nextCursor;
    if (pages.length > (options.maxPages ?? 100)) throw new Error(`${path}: more than ${options.maxPages ?? 100} pages`);
  } while (cursor);
  return pages;
}

export { TestSocket, type Frame } from "./socket-client";
export { unique };
