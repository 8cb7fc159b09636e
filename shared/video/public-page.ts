import { html } from "hono/html";
import { type PublicPage, publicDate, publicPageLayout } from "../http/public-page";
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

/** No script at all; media, pictures and Stream's player only from this origin and Stream's. */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' https://*.cloudflarestream.com; media-src 'self' https://*.cloudflarestream.com; frame-src https://*.cloudflarestream.com; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Stream's player page for the same id (the HLS URL's host and path up to the manifest), with the poster it shows before playing. */
function streamPlayerUrl(hls: string, poster: string | null): string {
  const player = hls.replace(/\/manifest\/video\.m3u8.*$/, "/iframe");
  return poster ? `${player}?poster=${encodeURIComponent(poster)}` : player;
}

/**
 * A poster a browser can load: a chosen image (on this origin) or Stream's frame on a real
 * customer host; the local emulation's placeholder host serves nothing.
 */
function loadablePoster(url: string | null): string | null {
  if (!url) return null;
  return url.startsWith("/") || /^https:\/\/customer-(?!placeholder\.)[a-z0-9-]+\.cloudflarestream\.com\//.test(url) ? url : null;
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
  const poster = loadablePoster(playback.thumbnailUrl);
  const image = poster ? absolute(poster) : null;
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
  // Without a poster image the file's first frame is the poster: a media fragment makes the browser paint it before playing.
  const player = file
    ? html`<video controls preload="metadata" src="${image ? file : `${file}#t=0.1`}" ${image ? html`poster="${image}"` : ""} aria-label="${video.title}">${captionTracks(captions)}</video>`
    : html`<iframe src="${streamPlayerUrl(playback.hls, image)}" title="${video.title}" allow="accelerometer; gyroscope; autoplay; encrypted-media; picture-in-picture" allowfullscreen></iframe>`;
  const body = html`<div class="player">${player}</div>
<h1>${video.title}</h1>
<p class="muted">by ${ownerName} · ${video.viewCount === 1 ? "1 view" : `${video.viewCount} views`} · ${publicDate(video.createdAt)}</p>
${video.description ? html`<p class="description">${video.description}</p>` : ""}
${tags.length > 0 ? html`<ul class="tags">${tags.map((tag) => html`<li>#${tag}</li>`)}</ul>` : ""}
<p class="muted"><a href="/app/videos/${video.id}">Open in the app</a></p>`;
  return publicPageLayout(video.title, PUBLIC_PAGE_STYLESHEET_PATH, head, body);
}

function missingPage() {
  return publicPageLayout(
    "No such video",
    PUBLIC_PAGE_STYLESHEET_PATH,
    html`<meta name="robots" content="noindex">`,
    html`<h1>No such video</h1>
<p class="muted">It is private, not published yet, or the link is wrong.</p>`,
  );
}

export async function publicVideoPage(deps: Deps, id: string): Promise<PublicPage> {
  const video = id.length <= 64 ? await findVideo(deps.db, id) : undefined;
  if (!video || !isVisibleToEveryone(video, deps.clock.now()) || !video.hlsUrl) return { status: 404, body: String(await missingPage()) };
  const [playback, owner, captions] = await Promise.all([
    playbackOf(deps, video),
    findUserById(deps.db, video.ownerId),
    videoCaptionList(deps, video.id, null),
  ]);
  return { status: 200, body: String(await videoPage(video, playback, owner?.displayName ?? "someone", deps.config.publicOrigin, captions)) };
}
