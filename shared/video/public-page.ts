import { html } from "hono/html";
import { findUserById } from "../identity/account/users";
import type { Deps } from "../platform/deps-types";
import { type CaptionView, videoCaptionList } from "./captions";
import { type Playback, playbackOf } from "./playback";
import { findVideo, type VideoRecord } from "./records";
import { isVisibleToEveryone } from "./visibility";
import { PRODUCT_NAME } from "../product";

/**
 * The public page of a video (`/v/:id`): rendered here, so it works without script and shows a
 * preview where a link is shared (Open Graph). Only a video everyone may see has one; anything
 * else is the same "no such video" page, whoever asks (the page never signs playback).
 */

export const PUBLIC_PAGE_STYLESHEET_PATH = "/v/style.css";

export const PUBLIC_PAGE_CSS = `*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f9;color:#111827}
main{max-width:960px;margin:0 auto;padding:20px 16px 40px;display:flex;flex-direction:column;gap:12px}
.player{width:100%;aspect-ratio:16/9;background:#000;border-radius:14px;overflow:hidden}
.player video,.player iframe{width:100%;height:100%;border:0;display:block}
h1{margin:0;font-size:1.4rem}
.muted{color:#6b7280;font-size:.9rem;margin:0}
.description{white-space:pre-wrap;margin:0}
.tags{display:flex;flex-wrap:wrap;gap:6px;margin:0;padding:0;list-style:none}
.tags li{background:#eef2ff;color:#4338ca;border-radius:999px;padding:3px 10px;font-size:.85rem}
a{color:#4f46e5}
@media (prefers-color-scheme:dark){body{background:#0b1020;color:#e5e7eb}.muted{color:#9ca3af}.tags li{background:#1e1b4b;color:#c7d2fe}}`;

/** No script at all; media, pictures and Stream's player only from this origin and Stream's. */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' https://*.cloudflarestream.com; media-src 'self' https://*.cloudflarestream.com; frame-src https://*.cloudflarestream.com; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface PublicVideoPage {
  status: 200 | 404;
  body: string;
}

/** Stream's player page for the same id: the HLS URL's host and path up to the manifest. */
function streamPlayerUrl(hls: string): string {
  return hls.replace(/\/manifest\/video\.m3u8.*$/, "/iframe");
}

function layout(title: string, head: unknown, body: unknown) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
<link rel="stylesheet" href="${PUBLIC_PAGE_STYLESHEET_PATH}">
</head>
<body><main>${body}</main></body>
</html>`;
}

/** The video's ready captions as <track> elements (same origin: the page's CSP allows them under media-src 'self'). */
function captionTracks(captions: readonly CaptionView[]) {
  return captions
    .filter((caption) => caption.url)
    .map((caption) => html`<track kind="captions" src="${caption.url}" srclang="${caption.language}" label="${caption.label}">`);
}

function videoPage(video: VideoRecord, playback: Playback, ownerName: string, origin: string, captions: readonly CaptionView[]) {
  const absolute = (url: string) => new URL(url, origin).toString();
  const pageUrl = `${origin}/v/${encodeURIComponent(video.id)}`;
  const description = video.description?.slice(0, 300) || `A video by ${ownerName}`;
  const image = playback.thumbnailUrl ? absolute(playback.thumbnailUrl) : null;
  const file = playback.localFile ? absolute(playback.localFile) : null;
  const tags = JSON.parse(video.tags) as string[];
  const head = html`<meta name="description" content="${description}">
<meta property="og:type" content="video.other">
<meta property="og:site_name" content="${PRODUCT_NAME}">
<meta property="og:url" content="${pageUrl}">
<meta property="og:title" content="${video.title}">
<meta property="og:description" content="${description}">
${image ? html`<meta property="og:image" content="${image}">` : ""}
<meta property="og:video" content="${file ?? playback.hls}">
<meta property="og:video:secure_url" content="${file ?? playback.hls}">
<meta property="og:video:type" content="${file ? "video/mp4" : "application/x-mpegURL"}">
${video.durationSeconds ? html`<meta property="video:duration" content="${String(Math.round(video.durationSeconds))}">` : ""}
<meta name="twitter:card" content="player">
<meta name="twitter:title" content="${video.title}">
<link rel="canonical" href="${pageUrl}">`;
  // Offline (development) the uploaded file plays in a plain element; in production Stream's player, which needs no script of ours.
  const player = file
    ? html`<video controls preload="metadata" src="${file}" ${image ? html`poster="${image}"` : ""} aria-label="${video.title}">${captionTracks(captions)}</video>`
    : html`<iframe src="${streamPlayerUrl(playback.hls)}" title="${video.title}" allow="accelerometer; gyroscope; autoplay; encrypted-media; picture-in-picture" allowfullscreen></iframe>`;
  const body = html`<div class="player">${player}</div>
<h1>${video.title}</h1>
<p class="muted">by ${ownerName} · ${video.viewCount === 1 ? "1 view" : `${video.viewCount} views`} · ${video.createdAt.toISOString().slice(0, 10)}</p>
${video.description ? html`<p class="description">${video.description}</p>` : ""}
${tags.length > 0 ? html`<ul class="tags">${tags.map((tag) => html`<li>#${tag}</li>`)}</ul>` : ""}
<p class="muted"><a href="/app/videos/${video.id}">Open in the app</a></p>`;
  return layout(video.title, head, body);
}

function missingPage() {
  return layout(
    "No such video",
    html`<meta name="robots" content="noindex">`,
    html`<h1>No such video</h1>
<p class="muted">It is private, not published yet, or the link is wrong.</p>`,
  );
}

export async function publicVideoPage(deps: Deps, id: string): Promise<PublicVideoPage> {
  const video = id.length <= 64 ? await findVideo(deps.db, id) : undefined;
  if (!video || !isVisibleToEveryone(video, deps.clock.now()) || !video.hlsUrl) return { status: 404, body: String(await missingPage()) };
  const [playback, owner, captions] = await Promise.all([
    playbackOf(deps, video),
    findUserById(deps.db, video.ownerId),
    videoCaptionList(deps, video.id, null),
  ]);
  return { status: 200, body: String(await videoPage(video, playback, owner?.displayName ?? "someone", deps.config.publicOrigin, captions)) };
}
