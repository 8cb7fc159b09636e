import { SELF } from "cloudflare:test";
import { expect } from "vitest";

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A distinct client IP per caller, so per-IP rate limits of one test never touch another's. */
export const uniqueIp = () => `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

export interface ApiOptions {
  method?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  ip?: string;
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
  return SELF.fetch(`http://platform.test${path}`, { method: options.method ?? (body ? "POST" : "GET"), headers, body });
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

export { unique };
