// The one WebSocket test client: a socket of JSON frames that records every frame and lets a test
// take the next one of a type. It only needs the standard WebSocket events, so the workerd tests
// (sockets from SELF.fetch upgrades, see helpers.ts) and the Node e2e tests (sockets to
// `wrangler dev`) both use it.

export type Frame = { type: string } & Record<string, any>;

export class TestSocket {
  /** Every frame received, in order (including those already taken by `next`). */
  readonly frames: Frame[] = [];
  /** Every frame's payload as received, in order (its size on the wire, e.g.). */
  readonly payloads: string[] = [];
  /** How the socket closed, or null while it is open. */
  closed: { code: number; reason: string } | null = null;
  readonly #taken = new Set<number>();
  readonly #waiters = new Set<() => void>();
  readonly #listeners: ((frame: Frame) => void)[] = [];

  constructor(
    readonly ws: WebSocket,
    /** How long `next` waits by default. */
    private readonly defaultTimeoutMs = 5000,
  ) {
    ws.addEventListener("message", (event) => {
      const payload = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
      const frame = JSON.parse(payload) as Frame;
      this.payloads.push(payload);
      this.frames.push(frame);
      for (const listener of this.#listeners) listener(frame);
      this.#wake();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.#wake();
    });
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  async #waitForChange(timeoutMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.#waiters.add(wake);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Takes the first frame not yet taken that matches `where` (any type), waiting up to `timeoutMs`. */
  async nextMatching(where: (frame: Frame) => boolean = () => true, timeoutMs = this.defaultTimeoutMs, description = "matching"): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((frame, i) => !this.#taken.has(i) && where(frame));
      if (index >= 0) {
        this.#taken.add(index);
        return this.frames[index]!;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${description} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`);
      await this.#waitForChange(left);
    }
  }

  /** Takes the first frame of `type` not yet taken (matching `where`), waiting up to `timeoutMs`. */
  next(type: string, where: (frame: Frame) => boolean = () => true, timeoutMs = this.defaultTimeoutMs): Promise<Frame> {
    return this.nextMatching((frame) => frame.type === type && where(frame), timeoutMs, type);
  }

  /** Frames of `type` received and not yet taken. */
  waiting(type: string): Frame[] {
    return this.frames.filter((frame, i) => frame.type === type && !this.#taken.has(i));
  }

  /** Calls `listener` for every frame received so far and from now on. */
  onFrame(listener: (frame: Frame) => void): void {
    for (const frame of this.frames) listener(frame);
    this.#listeners.push(listener);
  }

  /** Round trip through the server: every frame sent before has been handled once the pong arrives. */
  async sync(): Promise<void> {
    this.send({ type: "ping" });
    await this.next("pong");
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.#waitForChange(deadline - Date.now());
    if (!this.closed) throw new Error("socket did not close");
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closing: the server ended it first
    }
  }
}
