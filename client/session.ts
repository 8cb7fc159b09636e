// Tokens of one signed-in session: kept in a storage adapter, refreshed before they expire, one
// refresh in flight however many callers need a token at once.

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds at which the access token expires. */
  accessExpiresAt: number;
}

/** Where the session lives between page loads: memory in Node, localStorage in a browser. */
export interface SessionStorage {
  load(): StoredSession | null;
  save(session: StoredSession | null): void;
}

export class MemorySessionStorage implements SessionStorage {
  #session: StoredSession | null = null;
  load(): StoredSession | null {
    return this.#session;
  }
  save(session: StoredSession | null): void {
    this.#session = session;
  }
}

/** Shared by every tab of an origin, so a tab that refreshed hands its new pair to the others. */
export class LocalSessionStorage implements SessionStorage {
  constructor(
    private readonly store: Pick<Storage, "getItem" | "setItem" | "removeItem">,
    private readonly key = "edge-platform.session",
  ) {}
  load(): StoredSession | null {
    const raw = this.store.getItem(this.key);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<StoredSession>;
      if (typeof parsed.accessToken !== "string" || typeof parsed.refreshToken !== "string" || typeof parsed.accessExpiresAt !== "number") return null;
      return parsed as StoredSession;
    } catch {
      return null;
    }
  }
  save(session: StoredSession | null): void {
    if (session) this.store.setItem(this.key, JSON.stringify(session));
    else this.store.removeItem(this.key);
  }
}

export type SignedOutReason = "token_reused" | "refresh_rejected" | "session_ended" | "logged_out";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface SessionKeeperOptions {
  baseUrl: string;
  storage: SessionStorage;
  fetch: typeof fetch;
  /** Refresh when the access token has less than this left (default 60 s). */
  refreshMarginMs?: number;
  now?: () => number;
}

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

export class SessionKeeper {
  readonly #options: Required<Omit<SessionKeeperOptions, "baseUrl" | "storage" | "fetch">> & SessionKeeperOptions;
  #session: StoredSession | null;
  #refreshing: Promise<void> | null = null;
  readonly #signedOutListeners = new Set<(reason: SignedOutReason) => void>();
  /** How many refresh requests this keeper has sent (one per refresh, however many callers waited). */
  refreshCount = 0;

  constructor(options: SessionKeeperOptions) {
    this.#options = { ...options, refreshMarginMs: options.refreshMarginMs ?? 60_000, now: options.now ?? Date.now };
    this.#session = options.storage.load();
  }

  get signedIn(): boolean {
    return this.#session !== null;
  }

  get session(): StoredSession | null {
    return this.#session;
  }

  /** Adopts a pair from register, login, login/mfa or refresh. */
  adopt(pair: TokenPair): void {
    this.#session = { accessToken: pair.accessToken, refreshToken: pair.refreshToken, accessExpiresAt: this.#options.now() + pair.expiresIn * 1000 };
    this.#options.storage.save(this.#session);
  }

  onSignedOut(listener: (reason: SignedOutReason) => void): () => void {
    this.#signedOutListeners.add(listener);
    return () => this.#signedOutListeners.delete(listener);
  }

  signOut(reason: SignedOutReason): void {
    const wasSignedIn = this.#session !== null;
    this.#session = null;
    this.#options.storage.save(null);
    if (wasSignedIn) for (const listener of this.#signedOutListeners) listener(reason);
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    this.#adoptNewerStored();
    if (!this.#session) return null;
    if (this.#session.accessExpiresAt - this.#options.now() <= this.#options.refreshMarginMs) await this.refresh();
    return this.#session?.accessToken ?? null;
  }

  /** Rotates the refresh token. Concurrent callers share one request. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refreshOnce().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refreshOnce(): Promise<void> {
    const before = this.#session;
    this.#adoptNewerStored();
    // Another tab rotated the pair meanwhile: its fresh access token is ours too.
    if (this.#session && before && this.#session.refreshToken !== before.refreshToken && !this.#expiringSoon(this.#session)) return;
    const session = this.#session;
    if (!session) return;
    this.refreshCount++;
    const response = await this.#options.fetch(`${this.#options.baseUrl}/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: session.refreshToken }),
    });
    if (response.ok) {
      this.adopt((await response.json()) as TokenPair);
      return;
    }
    const problem = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    if (response.status === 401) {
      this.signOut(problem.code === "token_reused" ? "token_reused" : "refresh_rejected");
      return;
    }
    throw new AuthError(response.status, problem.code ?? "refresh_failed", problem.detail ?? `refresh answered ${response.status}`);
  }

  #expiringSoon(session: StoredSession): boolean {
    return session.accessExpiresAt - this.#options.now() <= this.#options.refreshMarginMs;
  }

  #adoptNewerStored(): void {
    const stored = this.#options.storage.load();
    if (!stored) {
      // Another tab signed out (or the storage was cleared): so are we.
      if (this.#session) this.signOut("logged_out");
      return;
    }
    if (!this.#session || stored.refreshToken !== this.#session.refreshToken) this.#session = stored;
  }
}
