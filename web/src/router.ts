// Where the app is: a path under /app/ (deep links survive a reload: the Worker answers every
// /app/... page with the app's shell, workers/api/routes/web-app.ts). Screens link with plain
// <a href="/app/..."> and the click is handled here without a page load.
import { store } from "./store";
import type { Route } from "./views";

export type { Route } from "./views";

export const APP_ROOT = "/app/";

/**
 * The chats section (a chat, the call list) keeps its own shape because the chat list stays beside
 * it; every other section gets the rest of the path and parses it itself.
 */

export function parseLocation(pathname: string): Route {
  const parts = pathname
    .replace(/^\/app\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((part) => decodeURIComponent(part));
  const [first, ...rest] = parts;
  if (first === undefined || (first === "chats" && rest.length === 0)) return { name: "chats" };
  if (first === "chats") return { name: "chat", chatId: rest[0]! };
  if (first === "calls") return { name: "calls" };
  return { name: "section", section: first, rest };
}

export function pathOf(route: Route): string {
  switch (route.name) {
    case "chats":
      return APP_ROOT;
    case "chat":
      return `${APP_ROOT}chats/${encodeURIComponent(route.chatId)}`;
    case "calls":
      return `${APP_ROOT}calls`;
    case "section":
      return `${APP_ROOT}${[route.section, ...route.rest].map(encodeURIComponent).join("/")}`;
  }
}

/** Goes to a route or an /app/ path (with an optional ?query) and adds it to the history. */
export function navigate(to: Route | string, options: { replace?: boolean } = {}): void {
  const url = typeof to === "string" ? to : pathOf(to);
  if (url !== location.pathname + location.search) {
    if (options.replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  store.set({ route: parseLocation(location.pathname) });
  scrollTo({ top: 0 });
}

/** Links from before the app had paths (#/chats/:id, #/calls) still open what they named. */
function adoptLegacyHash(): void {
  const legacy = /^#\/(.*)$/.exec(location.hash);
  if (legacy) history.replaceState(null, "", `${APP_ROOT}${legacy[1]}`);
}

export function startRouter(): void {
  adoptLegacyHash();
  store.set({ route: parseLocation(location.pathname) });
  addEventListener("popstate", () => store.set({ route: parseLocation(location.pathname) }));
  addEventListener("hashchange", () => {
    adoptLegacyHash();
    store.set({ route: parseLocation(location.pathname) });
  });
  // A plain click on a link inside the app changes the route in place; a modified click (new tab),
  // a download or a link elsewhere is left to the browser.
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(APP_ROOT) || /\.[a-z0-9]+$/i.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
