// A minimal client of the platform as a calling app would be: register, hub socket, REST call
// commands, signalling socket. Runs in Node against `wrangler dev`, with the same TestSocket as
// the workerd tests (test/socket-client.ts has no workerd imports).
import { TestSocket } from "../socket-client";

export { type Frame, TestSocket } from "../socket-client";

export interface User {
  id: string;
  accessToken: string;
}

export class PlatformClient {
  constructor(readonly baseUrl: string) {}

  async request(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
  }

  async json<T = any>(path: string, init: Parameters<PlatformClient["request"]>[1] & { expect?: number } = {}): Promise<T> {
    const response = await this.request(path, init);
    const text = await response.text();
    if (response.status !== (init.expect ?? 200)) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async register(label: string): Promise<User> {
    const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const body = await this.json("/v1/auth/register", { body: { email, password: `correct horse ${email}`, displayName: label }, expect: 201 });
    return { id: body.user.id, accessToken: body.accessToken };
  }

  /** Node's WebSocket cannot set headers: authenticate the upgrade with a single-use ticket. */
  async connect(path: string, user: User): Promise<TestSocket> {
    const { ticket } = await this.json("/v1/realtime/tickets", { method: "POST", token: user.accessToken, expect: 201 });
    const url = `${this.baseUrl.replace(/^http/, "ws")}${path}${path.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(ticket)}`;
    return openFrameSocket(url);
  }
}

/** Opens a WebSocket to `wrangler dev` as the shared TestSocket (frames waited for up to 10 s: real network). */
function openFrameSocket(url: string, timeoutMs = 10_000): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const socket = new TestSocket(ws, 10_000);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`WebSocket ${url} did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket ${url} failed to open`));
    });
  });
}
