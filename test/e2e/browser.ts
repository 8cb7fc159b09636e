// A headless Chromium driven over the DevTools protocol with Node's own WebSocket: enough to load a
// page, watch every request it makes and read what it renders, without another npm package.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterEach } from "vitest";
import { drawsFrames } from "./screens";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
}

/**
 * Debian's Chromium for playwright-core, as every browser test starts it: no background traffic,
 * and, when a test calls or plays media, fake camera and microphone devices granted without a
 * prompt and playback without a user gesture.
 */
export async function launchChromium(needs: { media?: boolean; autoplay?: boolean } = {}): Promise<Browser> {
  requireChromium();
  const args = ["--no-sandbox", "--disable-background-networking"];
  if (needs.media) args.push("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream");
  if (needs.media || needs.autoplay) args.push("--autoplay-policy=no-user-gesture-required");
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/**
 * After a test fails, a picture of every page `browser()` has open (`test-results/<name>-failure-<n>.png`),
 * to see what each participant of a many-page test showed.
 */
export function screenshotPagesOnFailure(browser: () => Browser | undefined, name: string): void {
  afterEach(async (context) => {
    if (context.task.result?.state !== "fail") return;
    const pages = browser()?.contexts().flatMap((c) => c.pages()) ?? [];
    for (const [index, open] of pages.entries()) {
      await open.screenshot({ path: `test-results/${name}-failure-${index}.png` }).catch(() => undefined);
      // What each page said, in the failing test's output: CI's log is all a failure on CI leaves.
      const text = await open.locator("body").textContent({ timeout: 2000 }).catch(() => null);
      // A page that answers scripts but draws no frame stalls every action that waits for it to be stable.
      const draws = (await drawsFrames(open, 2000)) ? "draws frames" : "draws no frame within 2 s";
      console.error(`page ${index} at ${open.url()} (${draws}): ${(text ?? "(no text)").replace(/\s+/g, " ").slice(0, 1200)}`);
    }
  });
}

/**
 * A page init script: Chromium as a browser that cannot transform encoded frames (no
 * RTCRtpScriptTransform, no createEncodedStreams), counting the peer connections the page makes
 * in `globalThis.peerConnectionsMade` (whatever a page sends to a call goes through one).
 */
export const WITHOUT_ENCODED_TRANSFORMS = `
  delete globalThis.RTCRtpScriptTransform;
  delete RTCRtpSender.prototype.createEncodedStreams;
  delete RTCRtpReceiver.prototype.createEncodedStreams;
  globalThis.peerConnectionsMade = 0;
  const Original = RTCPeerConnection;
  globalThis.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      globalThis.peerConnectionsMade++;
    }
  };
`;

interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
}

export class HeadlessPage {
  readonly events: CdpEvent[] = [];
  #nextId = 1;
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #listeners: ((event: CdpEvent) => void)[] = [];

  private constructor(
    private readonly browser: ChildProcess,
    private readonly profile: string,
    private readonly socket: WebSocket,
  ) {
    socket.addEventListener("message", (message) => {
      const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; error?: { message: string } } & Partial<CdpEvent>;
      if (data.id !== undefined) {
        const waiter = this.#pending.get(data.id);
        this.#pending.delete(data.id);
        if (data.error) waiter?.reject(new Error(data.error.message));
        else waiter?.resolve(data.result);
      } else if (data.method) {
        const event = { method: data.method, params: data.params ?? {} };
        this.events.push(event);
        for (const listener of this.#listeners) listener(event);
      }
    });
  }

  /**
   * Starts Chromium with every host except 127.0.0.1 unresolvable, so the page gets no network
   * beyond the local server even on a machine that has one, and opens one tab.
   */
  static async launch(): Promise<HeadlessPage> {
    requireChromium();
    const profile = mkdtempSync(path.join(tmpdir(), "docs-chromium-"));
    const browser = spawn(
      CHROMIUM,
      [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0",
        "about:blank",
      ],
      // its own process group, so closing ends the renderer and helper processes too
      { stdio: ["ignore", "ignore", "pipe"], detached: true },
    );
    let stderr = "";
    browser.stderr?.on("data", (chunk) => (stderr += chunk));
    const portFile = path.join(profile, "DevToolsActivePort");
    const deadline = Date.now() + 30_000;
    while (!existsSync(portFile) || readFileSync(portFile, "utf8").split("\n").length < 2) {
      if (browser.exitCode !== null) throw new Error(`Chromium exited early:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`Chromium did not start within 30 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const port = readFileSync(portFile, "utf8").split("\n")[0];
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const tab = targets.find((t) => t.type === "page");
    if (!tab) throw new Error("Chromium opened no tab");
    const socket = new WebSocket(tab.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve, { once: true });
      socket.addEventListener("error", () => reject(new Error("DevTools socket failed")), { once: true });
    });
    const page = new HeadlessPage(browser, profile, socket);
    for (const domain of ["Page", "Network", "Runtime", "Log"]) await page.send(`${domain}.enable`);
    return page;
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Navigates and waits for the load event (every sub-resource fetched or failed). */
  async open(url: string): Promise<void> {
    const loaded = new Promise<void>((resolve) => {
      const listener = (event: CdpEvent) => {
        if (event.method === "Page.loadEventFired") {
          this.#listeners = this.#listeners.filter((l) => l !== listener);
          resolve();
        }
      };
      this.#listeners.push(listener);
    });
    await this.send("Page.navigate", { url });
    await loaded;
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>("Runtime.evaluate", {
      expression,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`evaluate failed: ${exceptionDetails.text}`);
    return result.value;
  }

  /** Every URL the page asked for. */
  requestedUrls(): string[] {
    return this.events.filter((e) => e.method === "Network.requestWillBeSent").map((e) => (e.params.request as { url: string }).url);
  }

  /** Console and browser log entries at error level (CSP violations land here). */
  errors(): string[] {
    return this.events
      .filter((e) => e.method === "Log.entryAdded" && (e.params.entry as { level: string }).level === "error")
      .map((e) => (e.params.entry as { text: string }).text);
  }

  async close(): Promise<void> {
    this.socket.close();
    if (this.browser.exitCode === null && this.browser.signalCode === null) {
      const exited = new Promise((r) => this.browser.once("exit", r));
      const group = -this.browser.pid!;
      process.kill(group, "SIGTERM");
      const timer = setTimeout(() => process.kill(group, "SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    // helper processes may still be flushing the profile for a moment after the browser exits
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  }
}
