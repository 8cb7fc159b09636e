import { html } from "hono/html";
import { PRODUCT_NAME } from "../product";

/**
 * The frame of the server-rendered public pages (a video's `/v/:id`, a picture's `/pictures/:id`):
 * they work without script and show a preview where a link is shared (Open Graph). Each page is
 * headed by the product's name, so whoever opens a shared link knows where they are.
 */

/**
 * A date on a public page as a person reads it ("Nov 28, 2026"; with the time "Nov 28, 2026, 20:59
 * UTC"), in a `<time>` that keeps the instant for machines. In UTC: the page is the same for every
 * reader, and it runs no script that could put it in the reader's zone.
 */
export function publicDate(when: string | Date, withTime = false) {
  const date = typeof when === "string" ? new Date(when) : when;
  const words = new Intl.DateTimeFormat("en", { dateStyle: "medium", ...(withTime ? { timeStyle: "short", hourCycle: "h23" } : {}), timeZone: "UTC" }).format(
    date,
  );
  return html`<time datetime="${date.toISOString()}">${withTime ? `${words} UTC` : words}</time>`;
}

export const PUBLIC_PAGE_CSS = `*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f9;color:#111827}
.site{max-width:960px;margin:0 auto;padding:14px 16px 0;font-weight:700;font-size:1rem}
.site a{color:inherit;text-decoration:none}
main{max-width:960px;margin:0 auto;padding:12px 16px 40px;display:flex;flex-direction:column;gap:12px}
.player{width:100%;aspect-ratio:16/9;background:#000;border-radius:14px;overflow:hidden}
.player video,.player iframe{width:100%;height:100%;border:0;display:block}
.picture{margin:0;background:#e5e7eb;border-radius:14px;overflow:hidden;display:flex;justify-content:center}
.picture img{display:block;max-width:100%;max-height:80vh;height:auto;object-fit:contain}
h1{margin:0;font-size:1.4rem;overflow-wrap:anywhere}
.muted{color:#4b5563;font-size:.9rem;margin:0}
.description{white-space:pre-wrap;margin:0;overflow-wrap:anywhere}
.tags{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
.tags li{background:#eef2ff;color:#4338ca;border-radius:999px;padding:3px 10px;font-size:.85rem}
a{color:#4338ca}
@media (prefers-color-scheme:dark){body{background:#0b1020;color:#e5e7eb}.muted{color:#9ca3af}.tags li{background:#1e1b4b;color:#c7d2fe}.picture{background:#111827}a{color:#a5b4fc}}`;

export interface PublicPage {
  status: 200 | 404;
  body: string;
}

/** A whole page: `head` adds to the common head (description, Open Graph), `body` goes in `<main>`. */
export function publicPageLayout(title: string, stylesheetPath: string, head: unknown, body: unknown) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${PRODUCT_NAME}</title>
${head}
<link rel="stylesheet" href="${stylesheetPath}">
</head>
<body><header class="site"><a href="/">${PRODUCT_NAME}</a></header><main>${body}</main></body>
</html>`;
}

/** The headers every public page answers with; `cacheable` for a page that exists (it may change within a minute). */
export function publicPageHeaders(csp: string, cacheable: boolean): Record<string, string> {
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    // An edit, a visibility change or a removal changes the page at once: caches may keep it but
    // ask again every time (a picture made private must not stay visible for a minute), and a 404 is not kept.
    "cache-control": cacheable ? "public, no-cache" : "no-store",
  };
}

export const PUBLIC_PAGE_STYLESHEET_HEADERS = { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" };
