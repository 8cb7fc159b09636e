// A WebSocket that stays connected: a fresh single-use ticket for every connect, and reconnects
// with jittered exponential backoff until it is closed on purpose or the server says not to.

export type ServerFrame = { type: string } & Record<string, unknown>;
export type LiveSocketState = "connecting" | "open" | "waiting" | "closed";

export interface Backoff {
  /** First retry waits up to this long (default 500 ms). */
  baseMs: number;
  /** No retry waits longer than this (default 15 s). */
  maxMs: number;
}

/** Close codes after which reconnecting would not help: the session ended, another device took over, you left, the call is full or over. */
const FINAL_CLOSE_CODES = new Set([1008, 4000, 4001, 4002, 4003, 4004, 4009, 4410]);

export interface LiveSocketOptions {
  /** Resolves to the full ws:// or wss:// URL for one connect attempt (ticket included), or null when signed out. */
  connectUrl: () => Promise<string | null>;
  onFrame: (frame: ServerFrame) => void;
  onStateChange?: (state: LiveSocketState) => void;
  /** Called after a close the socket will not recover from by itself. */
  onFinalClose?: (code: number, reason: string) => void;
  backoff?: Partial<Backoff>;
  random?: () => number;
  WebSocket?: typeof WebSocket;
}

/** Full jitter: a uniform wait in [0, min(max, base * 2^attempt)], so many clients do not retry in step. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** attempt));
}

export class LiveSocket {
  state: LiveSocketState = "closed";
  /** Connects that reached `open`, the first one included. */
  opens = 0;
  #socket: WebSocket | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = true;
  readonly #backoff: Backoff;
  readonly #WebSocket: typeof WebSocket;

  constructor(private readonly options: LiveSocketOptions) {
    this.#backoff = { baseMs: 500, maxMs: 15_000, ...options.backoff };
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "closed by client");
    this.#setState("closed");
  }

  /** Sends a frame if the socket is open; false when it is not (the caller keeps it to resend). */
  send(frame: object): boolean {
    if (this.state !== "open" || !this.#socket) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /** Drops the current connection and connects again now (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#attempt = 0;
    if (this.state === "waiting") void this.#connect();
    else this.#socket?.close(4100, "reconnecting");
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    this.#setState("connecting");
    let url: string | null;
    try {
      url = await this.options.connectUrl();
    } catch {
      this.#scheduleRetry();
      return;
    }
    if (this.#stopped) return;
    if (url === null) {
      this.#finish(4001, "signed out");
      return;
    }
    const socket = new this.#WebSocket(url);
    this.#socket = socket;
    socket.addEventListener("open", () => {
      if (socket !== this.#socket) return;
      this.#attempt = 0;
      this.opens++;
      this.#setState("open");
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.#socket) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer)) as ServerFrame;
      } catch {
        return;
      }
      this.options.onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      if (this.#stopped) return;
      if (FINAL_CLOSE_CODES.has(event.code)) this.#finish(event.code, event.reason);
      else this.#scheduleRetry();
    });
  }

  #finish(code: number, reason: string): void {
    this.#stopped = true;
    this.#setState("closed");
    this.options.onFinalClose?.(code, reason);
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    this.#setState("waiting");
    const delay = backoffDelay(this.#attempt++, this.#backoff, this.options.random);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#connect();
    }, delay);
  }

  #setState(state: LiveSocketState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
