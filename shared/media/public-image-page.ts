import { html } from "hono/html";
import { type PublicPage, publicDate, publicPageLayout } from "../http/public-page";
import type { Deps } from "../platform/deps-types";
import { PRODUCT_NAME } from "../product";
import { contentPath } from "./content-path";
import { type ImageView, imageView } from "./gallery";
import { findGalleryImage } from "./records/gallery";

/**
 * The public page of a gallery picture (`/pictures/:id`), the address the web app's share control
 * hands out: the picture with its title, owner, description and tags, for anyone, with no script.
 * A private or removed picture and an unknown id are the same "no such picture" page (404).
 */

export const PICTURE_PAGE_STYLESHEET_PATH = "/pictures/style.css";

/** No script at all; the picture and its variants come from this origin. */
export const PICTURE_PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The page's address: what a link to the picture is. */
export const picturePagePath = (id: string) => `/pictures/${encodeURIComponent(id)}`;

function picturePage(image: ImageView, origin: string) {
  const pageUrl = new URL(picturePagePath(image.id), origin).toString();
  const description = image.description?.slice(0, 300) || `A picture by ${image.owner.displayName} on ${PRODUCT_NAME}`;
  // Variants after the 32 px placeholder; a picture of unknown size has none and shows its file.
  const candidates = image.variants.length > 1 ? image.variants.slice(1) : image.variants;
  const largest = candidates[candidates.length - 1];
  const src = largest?.url ?? contentPath(image.file.id);
  const preview = new URL(src, origin).toString();
  const head = html`<meta name="description" content="${description}">
<meta property="og:type" content="website">
<meta property="og:site_name" content="${PRODUCT_NAME}">
<meta property="og:url" content="${pageUrl}">
<meta property="og:title" content="${image.title}">
<meta property="og:description" content="${description}">
<meta property="og:image" content="${preview}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="${pageUrl}">`;
  const body = html`<figure class="picture"><img src="${src}" ${
    candidates.length > 1 ? html`srcset="${candidates.map((v) => `${v.url} ${v.width}w`).join(", ")}" sizes="(max-width: 960px) 100vw, 930px"` : ""
  } ${image.width && image.height ? html`width="${image.width}" height="${image.height}"` : ""} alt="${image.description ? `${image.title}: ${image.description}` : image.title}"></figure>
<h1>${image.title}</h1>
<p class="muted">by ${image.owner.displayName} · ${publicDate(image.createdAt)} · ${image.likeCount === 1 ? "1 like" : `${image.likeCount} likes`}</p>
${image.description ? html`<p class="description">${image.description}</p>` : ""}
${image.tags.length > 0 ? html`<ul class="tags" aria-label="Tags">${image.tags.map((tag) => html`<li>#${tag}</li>`)}</ul>` : ""}
<p class="muted"><a href="/app/gallery/images/${encodeURIComponent(image.id)}">Open in the app</a></p>`;
  return publicPageLayout(image.title, PICTURE_PAGE_STYLESHEET_PATH, head, body);
}

function missingPage() {
  return publicPageLayout(
    "No such picture",
    PICTURE_PAGE_STYLESHEET_PATH,
    html`<meta name="robots" content="noindex">`,
    html`<h1>No such picture</h1>
<p class="muted">It is private, it was removed, or the link is wrong.</p>
<p class="muted"><a href="/app/gallery">See the gallery</a></p>`,
  );
}

export async function publicPicturePage(deps: Deps, id: string): Promise<PublicPage> {
  const row = id.length <= 64 ? await findGalleryImage(deps.db, id, null) : undefined;
  if (row?.image.visibility !== "public") return { status: 404, body: String(await missingPage()) };
  return { status: 200, body: String(await picturePage(imageView(row), deps.config.publicOrigin)) };
}
