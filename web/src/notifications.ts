// Push notifications on this device: the service worker (/app/sw.js), the permission asked only
// when the user turns notifications on, the subscription registered as a device of this session
// (docs/notifications.md).
import { ok } from "../../client";
import { platform } from "./api-client";
import { APP_ROOT, navigate } from "./router";
import { problemText } from "./problem-text";
import { store } from "./store";

export type PushState = "unsupported" | "off" | "working" | "on" | "blocked" | "failed";

const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

/** The worker shows notifications and handles their clicks; registered on sign-in, whatever the permission. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator)) return null;
  try {
    return await navigator.serviceWorker.register(`${APP_ROOT}sw.js`, { scope: APP_ROOT });
  } catch {
    return null;
  }
}

/** Where notifications stand on this device, without asking anything. */
export async function readPushState(): Promise<PushState> {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  if (Notification.permission !== "granted") return "off";
  const registration = await navigator.serviceWorker.getRegistration(APP_ROOT);
  return (await registration?.pushManager.getSubscription()) ? "on" : "off";
}

export async function refreshPushState(): Promise<void> {
  store.set({ push: await readPushState() });
}

const NO_WEB_PUSH = "no-web-push";

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Subscribes (or takes the subscription this browser has) and registers it as a device of this session. */
async function subscribeThisSession(): Promise<void> {
  const registration = (await registerServiceWorker()) ?? (await navigator.serviceWorker.ready);
  await navigator.serviceWorker.ready;
  const config = await ok(platform.api.v1.push.config.$get());
  const key = config.webPush.applicationServerKey;
  if (!key) throw new Error(NO_WEB_PUSH);
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
  const json = subscription.toJSON();
  await ok(
    platform.api.v1.me.devices.$post({
      json: { kind: "webpush", subscription: { endpoint: subscription.endpoint, keys: { p256dh: json.keys?.p256dh ?? "", auth: json.keys?.auth ?? "" } } },
    }),
  );
}

/**
 * Why turning notifications on failed, and what to do, in words: the push service the browser
 * relies on (Google's for Chrome, Mozilla's for Firefox) refused or could not be reached, the
 * server does not send pushes, or the server could not register this device.
 */
function optInProblem(error: unknown): string {
  if (error instanceof DOMException && (error.name === "AbortError" || error.name === "NotAllowedError" || error.name === "InvalidStateError")) {
    return "Notifications could not be turned on: this browser's push service did not answer. It needs an internet connection (and, in some browsers, the browser's own push service allowed). Try again later.";
  }
  if (error instanceof Error && error.message === NO_WEB_PUSH)
    return "Notifications could not be turned on: this server does not send notifications to browsers.";
  return `Notifications could not be turned on. ${problemText(error, "Try again later.")}`;
}

/** How many times the user pressed "Turn on notifications" (resumeNotifications yields to them). */
let optIns = 0;

/**
 * "Turn on notifications": asks the browser (this click is the moment the user understands),
 * subscribes with the server's key and registers the subscription for this session.
 */
export async function enableNotifications(): Promise<void> {
  optIns++;
  if (!supported()) {
    store.set({ push: "unsupported" });
    return;
  }
  store.set({ push: "working" });
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      store.set({ push: permission === "denied" ? "blocked" : "off" });
      return;
    }
    await subscribeThisSession();
    store.set({ push: "on" });
  } catch (error) {
    store.set({ push: "failed", notice: optInProblem(error) });
  }
}

/**
 * After sign-in: the worker is registered, and where the user allowed notifications before, this
 * new session registers the browser's subscription again (no prompt: the permission stands).
 */
export async function resumeNotifications(): Promise<void> {
  const optInsBefore = optIns;
  // The user may press "Turn on notifications" while this runs: what that press ends in stands.
  const settle = (push: PushState) => {
    if (optIns === optInsBefore) store.set({ push });
  };
  await registerServiceWorker();
  if (!supported() || Notification.permission !== "granted") {
    settle(await readPushState());
    return;
  }
  try {
    await subscribeThisSession();
    settle("on");
  } catch {
    settle("off");
  }
}

/** On sign-out the server removes this session's devices; the browser's subscription goes too. */
export async function forgetSubscription(): Promise<void> {
  if (!supported()) return;
  const registration = await navigator.serviceWorker.getRegistration(APP_ROOT).catch(() => undefined);
  await (await registration?.pushManager.getSubscription().catch(() => null))?.unsubscribe().catch(() => false);
}

// A clicked notification asks an open window to show its chat or the call list; a push service
// that replaced the subscription asks for it to be registered again.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event: MessageEvent<{ type?: string; url?: string }>) => {
    if (event.data?.type === "resubscribe") {
      if (store.state.phase === "signed-in") void resumeNotifications();
      return;
    }
    if (event.data?.type !== "open" || !event.data.url) return;
    const target = new URL(event.data.url, location.href);
    if (target.origin === location.origin && target.pathname.startsWith(APP_ROOT)) navigate(target.pathname + target.search);
    else location.assign(target.href);
  });
}
