// The web app as the browser tests drive it: accounts made through the API (fast) or through the
// sign-up screen (what a person does), signing in, and the few steps every test repeats.
import { generateKeyPairSync } from "node:crypto";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { expect } from "vitest";

let counter = 0;

/** An e-mail address no other test uses. */
export const uniqueEmail = (name: string) => `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}-${Date.now()}-${counter++}@example.com`;

export interface Account {
  id: string;
  email: string;
  password: string;
  displayName: string;
  accessToken: string;
}

/** Registers an account through the API of the server at `origin` (no browser involved). */
export async function registerAccount(origin: string, displayName: string, email = uniqueEmail(displayName)): Promise<Account> {
  const password = `correct horse ${Math.random()}`;
  const response = await fetch(`${origin}/v1/auth/register`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cf-connecting-ip": `10.${counter % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    },
    body: JSON.stringify({ email, password, displayName }),
  });
  const body = (await response.json()) as { user: { id: string }; accessToken: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return { id: body.user.id, email, password, displayName, accessToken: body.accessToken };
}

/** A call to the API as `account`, answering the parsed JSON body (or null for 204). */
export async function callApi<T = any>(origin: string, account: Pick<Account, "accessToken">, path: string, body?: unknown, method?: string): Promise<T> {
  const response = await fetch(`${origin}${path}`, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${account.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  expect(response.status < 300, `${method ?? "POST"} ${path}: ${response.status} ${text}`).toBe(true);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * A call to the API from `page`, as the person signed in there: with the app's own session, read
 * where the app keeps it. Answers the status and the parsed JSON body (null when there is none).
 */
export function callApiAsPage<T = any>(page: Page, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ path, body }) => {
      const stored = (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem("edge-platform.session");
      const session = JSON.parse(stored ?? "null") as { accessToken: string } | null;
      const response = await fetch(path, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    { path, body },
  );
}

/** Starts (or opens) a direct chat with `otherId` from the new-chat dialog, by their ID as a person would; returns the chat's id. */
export async function openDirectChat(page: Page, otherId: string): Promise<string> {
  await page.getByRole("button", { name: "+ New chat" }).click();
  await page.getByText("Meet someone new by ID").click();
  await page.getByLabel("Their ID").fill(otherId);
  await page.getByRole("button", { name: "Start chat" }).click();
  await page.waitForURL(/\/app\/chats\//);
  return decodeURIComponent(page.url().split("/app/chats/")[1]!);
}

/**
 * Whether the app signed in on `page` has uploaded key packages for its MLS device (`GET
 * /v1/e2ee/key-packages` with its own session). The device registers first and uploads its key
 * packages after: a chat started with the person in between is sealed to a group without this
 * device, which then cannot read what came before it joined. A test meets a person once this holds.
 */
export async function e2eeKeyPackagesUploaded(page: Page): Promise<boolean> {
  const { status, body } = await callApiAsPage<{ remaining: number; lastResort: boolean }>(page, "/v1/e2ee/key-packages");
  return status === 200 && (body.remaining > 0 || body.lastResort);
}

/** Signs `account` in on the app's sign-in screen and waits for the chat list. */
export async function signInToApp(page: Page, appUrl: string, account: Pick<Account, "email" | "password" | "displayName">): Promise<void> {
  await page.goto(appUrl);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(account.displayName);
}

/** A browser of its own signed in to the app as `account` (an encrypted-chat test's device: the app opens its MLS device and uploads its key packages). */
export interface SignedInBrowser {
  account: Account;
  context: BrowserContext;
  page: Page;
}

/** Opens a browser context with camera and microphone granted (and `initScript` run in every page), signed in as `account`. */
export async function signedInBrowser(
  browser: Browser,
  appUrl: string,
  account: Account,
  viewport: { width: number; height: number },
  initScript?: string,
): Promise<SignedInBrowser> {
  const context = await browser.newContext({ viewport, permissions: ["microphone", "camera"] });
  if (initScript) await context.addInitScript({ content: initScript });
  const page = await context.newPage();
  await signInToApp(page, appUrl, account);
  return { account, context, page };
}

/** How many live E2EE devices (with key packages) `userId` has, as `viewer` reads them. */
export const liveE2eeDevices = async (origin: string, viewer: Account, userId: string) =>
  (await callApi<{ items: unknown[] }>(origin, viewer, `/v1/e2ee/users/${userId}/devices`)).items.length;

/** A new session of `account` (signing in elsewhere) with an MLS device: an Ed25519 public key registered for it. Answers the device's id. */
export async function newE2eeDevice(origin: string, account: Pick<Account, "email" | "password">): Promise<string> {
  const response = await fetch(`${origin}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: account.email, password: account.password }),
  });
  expect(response.status).toBe(200);
  const { accessToken } = (await response.json()) as { accessToken: string };
  const signatureKey = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x as string;
  return (await callApi<{ id: string }>(origin, { accessToken }, "/v1/e2ee/devices", { signatureKey })).id;
}

/** Creates an account on the app's sign-up screen, as a new person does. */
export async function signUpInApp(context: BrowserContext, appUrl: string, displayName: string): Promise<{ page: Page; email: string; password: string }> {
  const page = await context.newPage();
  const email = uniqueEmail(displayName);
  const password = `correct horse ${Math.random()}`;
  await page.goto(appUrl);
  await page.getByRole("tab", { name: "Create account" }).click();
  await page.getByLabel("Your name").fill(displayName);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).last().click();
  await expect.poll(() => page.getByTestId("me-name").textContent()).toBe(displayName);
  return { page, email, password };
}

/** The service worker registration of `scopeUrl`, as DevTools names it (for `ServiceWorker.deliverPushMessage`). */
export async function serviceWorkerRegistrationId(cdp: CDPSession, scopeUrl: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", (event: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
      const registration = event.registrations.find((r) => r.scopeURL === scopeUrl && !r.isDeleted);
      if (registration) resolve(registration.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  return found;
}

interface PushServiceEvent {
  eventName: string;
  eventMetadata: { key: string; value: string }[];
}

/**
 * Pushes to the worker of `registrationId` as a push service would, one push at a time, and waits
 * until Chromium says the worker's push event ended well. `ServiceWorker.deliverPushMessage`
 * answers before anything happens, and Chromium drops a delivery whose worker it could not find or
 * start without a word; its Background Services log (DevTools' Application panel) says whether the
 * event reached the worker ("Push event dispatched") and how its `waitUntil` ended ("Push event
 * completed"). A push Chromium never dispatched is delivered again (the app's worker never saw it,
 * so it says nothing of the app); a push the worker received and failed on fails the test with its
 * status.
 */
export async function pushDeliverer(cdp: CDPSession, origin: string, registrationId: string): Promise<(payload: object) => Promise<void>> {
  const events: PushServiceEvent[] = [];
  cdp.on("BackgroundService.backgroundServiceEventReceived", (event: { backgroundServiceEvent: PushServiceEvent & { service: string } }) => {
    if (event.backgroundServiceEvent.service === "pushMessaging") events.push(event.backgroundServiceEvent);
  });
  await cdp.send("BackgroundService.startObserving", { service: "pushMessaging" });
  await cdp.send("BackgroundService.setRecording", { shouldRecord: true, service: "pushMessaging" });
  const metadata = (event: PushServiceEvent, key: string) => event.eventMetadata.find((entry) => entry.key === key)?.value;

  /** The first logged event from index `from` on that `matches`, waiting up to `ms` for it; -1 if none came. */
  const awaitEvent = async (from: number, ms: number, matches: (event: PushServiceEvent) => boolean): Promise<number> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = events.findIndex((event, i) => i >= from && matches(event));
      if (found >= 0 || Date.now() >= deadline) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return async (payload) => {
    const data = JSON.stringify(payload);
    let dispatchedAt = -1;
    for (let attempt = 1; dispatchedAt < 0; attempt++) {
      if (attempt > 3) throw new Error(`Chromium dispatched no push event for ${data} in 3 deliveries`);
      // Said in the test's output, so a log shows how often Chromium drops a delivery.
      if (attempt > 1) console.warn(`Chromium dispatched no push event in 10 s; delivering it again (delivery ${attempt})`);
      const from = events.length;
      await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId, data });
      dispatchedAt = await awaitEvent(from, 10_000, (event) => event.eventName === "Push event dispatched" && metadata(event, "Payload") === data);
    }
    const completedAt = await awaitEvent(dispatchedAt + 1, 20_000, (event) => event.eventName === "Push event completed");
    const status = completedAt >= 0 ? metadata(events[completedAt]!, "Status") : "no end in 20 s";
    expect(status, `the push event for ${data}`).toBe("Success");
  };
}
