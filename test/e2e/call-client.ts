// A minimal client of the platform as a calling app would be: register, hub socket, REST call
// commands, signalling socket. Runs in Node against `wrangler dev`.

export type Frame = { type: string } & Record<string, any>;

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
  async connect(path: string, user: User): Promise<FrameSocket> {
    const { ticket } = await this.json("/v1/realtime/tickets", { method: "POST", token: user.accessToken, expect: 201 });
    const url = `${this.baseUrl.replace(/^http/, "ws")}${path}${path.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(ticket)}`;
    return FrameSocket.open(url);
  }
}

/** A WebSocket of JSON frames with "wait for the next frame of this type". */
export class FrameSocket {
  readonly frames: Frame[] = [];
  #consumed = new Set<number>();
  #waiters = new Set<() => void>();
  #listeners: ((frame: Frame) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as Frame;
      this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame);
      for (const wake of this.#waiters) wake();
    });
    ws.addEventListener("close", () => {
      for (const wake of this.#waiters) wake();
    });
  }

  static open(url: string, timeoutMs = 10_000): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const socket = new FrameSocket(ws);
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

  /** Calls `listener` for every frame from now on (and for those already received). */
  onFrame(listener: (frame: Frame) => void): void {
    for (const frame of this.frames) listener(frame);
    this.#listeners.push(listener);
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  async next(type: string, timeoutMs = 10_000, match: (frame: Frame) => boolean = () => true): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => frame.type === type && !this.#consumed.has(i) && match(frame));
      if (index >= 0) {
        this.#consumed.add(index);
        return this.frames[index]!;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.#waiters.add(wake);
      });
    }
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, "done");
  }
}
