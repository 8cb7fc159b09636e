// The web app's service worker (/app/sw.js, scope /app/): shows the pushes of docs/notifications.md
// and opens the right screen when one is clicked. Plain JavaScript, copied as it is by
// scripts/build-web.mjs: it has no imports and runs in no page.
const APP = new URL("./", self.location.href).href;
const chatUrl = (chatId) => `${APP}chats/${encodeURIComponent(chatId)}`;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** The push's JSON, or null when it carries none we understand. */
function payloadOf(event) {
  try {
    const data = event.data?.json();
    return data && typeof data.type === "string" ? data : null;
  } catch {
    return null;
  }
}

/** Whether a window of the app is in front with this chat open (it shows the message itself). */
async function chatVisible(chatId) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const path = new URL(chatUrl(chatId)).pathname;
  return windows.some((client) => client.visibilityState === "visible" && client.focused && new URL(client.url).pathname === path);
}

async function closeTagged(tag) {
  for (const notification of await self.registration.getNotifications({ tag })) notification.close();
}

async function show(push) {
  if (push.type === "message") {
    if (await chatVisible(push.chatId)) return;
    const title = push.chatTitle ?? "New message";
    const text = push.excerpt ?? "";
    const body = push.senderName && push.senderName !== push.chatTitle ? `${push.senderName}: ${text}` : text || "New message";
    await self.registration.showNotification(title, {
      body: push.excerpt === undefined ? "Open the app to read it" : body,
      tag: `chat-${push.chatId}`,
      renotify: true,
      icon: `${APP}icons/icon-192.png`,
      badge: `${APP}icons/badge-96.png`,
      timestamp: push.sentAt ? Date.parse(push.sentAt) : Date.now(),
      data: { url: chatUrl(push.chatId), chatId: push.chatId, messageId: push.messageId },
    });
    return;
  }
  if (push.type === "call.incoming") {
    await self.registration.showNotification(push.callerName ? `${push.callerName} is calling` : "Incoming call", {
      body: push.callType === "video" ? "Incoming video call" : "Incoming call",
      tag: `call-${push.callId}`,
      renotify: true,
      requireInteraction: true,
      vibrate: [800, 400, 800, 400, 800, 400, 800],
      icon: `${APP}icons/icon-192.png`,
      data: { url: `${APP}calls`, callId: push.callId },
    });
    return;
  }
  if (push.type === "call.stop") {
    await closeTagged(`call-${push.callId}`);
    if (push.status === "missed") {
      await self.registration.showNotification(push.callerName ? `Missed call from ${push.callerName}` : "Missed call", {
        tag: `call-${push.callId}`,
        icon: `${APP}icons/icon-192.png`,
        data: { url: `${APP}calls`, callId: push.callId },
      });
    }
  }
}

self.addEventListener("push", (event) => {
  const push = payloadOf(event);
  if (push) event.waitUntil(show(push));
});

// The push service replaced or dropped the subscription: an open window registers it again (the
// worker has no session of its own to do it with).
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) client.postMessage({ type: "resubscribe" });
    })(),
  );
});

/** Shows what a notification is about: an open window of the app goes there, else a new one opens. */
async function openFor(notification) {
  const url = notification.data?.url ?? APP;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => client.url.startsWith(APP));
  if (!open) {
    await self.clients.openWindow(url);
    return;
  }
  // The app goes to the path (a chat, or the call list where a ringing call is shown).
  open.postMessage({ type: "open", url });
  await open.focus().catch(() => undefined);
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openFor(event.notification));
});
