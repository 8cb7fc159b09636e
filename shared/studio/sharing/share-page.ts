import { html } from "hono/html";
import { publicDate } from "../../http/public-page";
import type { CommentView } from "./comments";
import { type SharedAssetView, type SharedProjectView, sharePagePath } from "./share-links";
import { PRODUCT_NAME } from "../../product";

/**
 * The page a studio share link opens in a browser (people without an account), rendered by the
 * Worker with `hono/html` (every value escaped). No script at all: comments are a plain form
 * post, and the CSP allows this origin's stylesheet, pictures and videos, and forms to itself.
 */

export const SHARE_PAGE_STYLESHEET_PATH = "/v1/studio/share-page.css";

export const SHARE_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// The app's colours, type and shapes (web/app.css), so a shared project looks like the product it
// comes from, headed by its name as the gallery's and the videos' public pages are.
export const SHARE_PAGE_CSS = `
:root { color-scheme: light dark; --fg: #111827; --muted: #5b6270; --bg: #f4f5f9; --panel: #fff; --line: #e5e7eb; --accent: #4f46e5; --accent-text: #4338ca; --bad: #dc2626; }
@media (prefers-color-scheme: dark) { :root { --fg: #e5e7eb; --muted: #9ca3af; --bg: #0f1117; --panel: #181b24; --line: #2b2f3a; --accent: #818cf8; --accent-text: #a5b4fc; --bad: #f87171; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
.site, header, main { width: min(72rem, 100% - 2rem); margin: 0 auto; }
.site { padding: 14px 0 0; font-weight: 700; font-size: 1rem; }
.site a { color: inherit; text-decoration: none; }
header { padding: .75rem 0 .5rem; }
h1 { font-size: 1.6rem; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 0 0 .8rem; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
a { color: var(--accent-text); }
.muted { color: var(--muted); font-size: 13px; }
section.box { background: var(--panel); border: 1px solid var(--line); border-radius: 14px; padding: 1rem; margin: 1rem 0; }
ul.assets { list-style: none; margin: 0; padding: 0; display: grid; gap: .8rem; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); }
ul.assets li { border: 1px solid var(--line); border-radius: 10px; overflow: hidden; background: var(--bg); }
ul.assets li.headliner { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
ul.assets img, ul.assets video { display: block; width: 100%; aspect-ratio: 1; object-fit: cover; background: var(--line); }
.asset-text { padding: .4rem .6rem; font-size: 13px; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 0 .45rem; border-radius: 999px; background: var(--accent); color: #fff; }
ol.comments { list-style: none; margin: 0; padding: 0; }
ol.comments li { border-top: 1px solid var(--line); padding: .5rem 0; overflow-wrap: anywhere; white-space: pre-wrap; }
ol.comments .author { font-weight: 600; white-space: normal; }
form { display: grid; gap: .4rem; max-width: 32rem; margin-top: .6rem; }
label { font-weight: 600; font-size: 14px; }
input[type=text], textarea { width: 100%; padding: .55rem .7rem; border: 1px solid var(--line); border-radius: 10px; background: var(--bg); color: var(--fg); font: inherit; }
textarea { min-height: 5rem; resize: vertical; }
button { justify-self: start; padding: .55rem 1rem; border-radius: 10px; border: 0; background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
@media (prefers-color-scheme: dark) { button, .badge { color: #0f1117; } }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--bad); }
main.message { background: var(--panel); border: 1px solid var(--line); border-radius: 14px; padding: 1.5rem; margin-top: 2rem; max-width: 30rem; }
`;

function layout(title: string, body: unknown) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex">
<title>${title} · ${PRODUCT_NAME}</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="${SHARE_PAGE_STYLESHEET_PATH}">
</head>
<body><div class="site"><a href="/">${PRODUCT_NAME}</a></div>${body}</body>
</html>`;
}

/** A form the visitor sent that was refused: shown again above that box's form, with what they typed. */
export interface CommentFormState {
  boxId: string;
  error: string;
  authorName: string;
  text: string;
}

function assetItem(asset: SharedAssetView, boxName: string, index: number, headliner: boolean) {
  const described = asset.prompt || `${asset.type === "video" ? "Video" : "Picture"} ${index + 1} of ${boxName}`;
  const media =
    asset.type === "video"
      ? html`<video controls preload="metadata" src="${asset.url}" aria-label="${described}"></video>`
      : html`<a href="${asset.url}"><img src="${asset.thumbnailUrl ?? asset.url}" alt="${described}" loading="lazy"></a>`;
  return html`<li class="${headliner ? "headliner" : ""}">
${media}
<div class="asset-text">${headliner ? html`<span class="badge">Headliner</span> ` : ""}${asset.prompt ? html`<span class="prompt">${asset.prompt}</span>` : html`<span class="muted">Uploaded</span>`}
${asset.modelName ? html`<div class="muted">${asset.modelName}</div>` : ""}</div>
</li>`;
}

function commentForm(token: string, boxId: string, state: CommentFormState | undefined) {
  const id = (field: string) => `${field}-${boxId}`;
  return html`<form method="post" action="${sharePagePath(token)}/boxes/${boxId}/comments">
${state ? html`<p class="error" role="alert">${state.error}</p>` : ""}
<label for="${id("name")}">Your name</label>
<input id="${id("name")}" name="authorName" type="text" maxlength="100" required autocomplete="name" value="${state?.authorName ?? ""}">
<label for="${id("text")}">Comment</label>
<textarea id="${id("text")}" name="text" maxlength="4000" required>${state?.text ?? ""}</textarea>
<button type="submit">Post comment</button>
</form>`;
}

export function sharePage(view: { token: string; project: SharedProjectView; comments: Map<string, CommentView[]>; form?: CommentFormState }) {
  const { project, comments, token, form } = view;
  return layout(
    project.project.name,
    html`<header>
<h1>${project.project.name}</h1>
<p class="muted">A shared studio project: ${project.boxes.length} ${project.boxes.length === 1 ? "box" : "boxes"}. Anyone with this link can see it and comment.</p>
</header>
<main>
${project.boxes.map((box) => {
  const boxComments = comments.get(box.id) ?? [];
  return html`<section class="box" id="box-${box.id}" aria-labelledby="title-${box.id}">
<h2 id="title-${box.id}">${box.name}</h2>
${
  box.assets.length === 0
    ? html`<p class="muted">Nothing here yet.</p>`
    : html`<ul class="assets">${box.assets.map((asset, i) => assetItem(asset, box.name, i, asset.id === box.headlinerAssetId))}</ul>`
}
<h3>Comments (${boxComments.length})</h3>
${
  boxComments.length === 0
    ? html`<p class="muted">No comments yet.</p>`
    : html`<ol class="comments">${boxComments.map(
        (comment) =>
          html`<li><span class="author">${comment.authorName}</span>${comment.byOwner ? html` <span class="badge">Owner</span>` : ""} <span class="muted">${publicDate(comment.createdAt, true)}</span>
${comment.text}</li>`,
      )}</ol>`
}
${commentForm(token, box.id, form?.boxId === box.id ? form : undefined)}
</section>`;
})}
</main>`,
  );
}

export function shareMessagePage(title: string, message: string) {
  return layout(title, html`<main class="message"><h1>${title}</h1><p>${message}</p></main>`);
}
