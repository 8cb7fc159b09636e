import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../../../shared/http/errors";
import { clientInfo } from "../../../shared/identity/sessions/client-info";
import { commentThroughLink, sharedProjectPage } from "../../../shared/studio/sharing/comments";
import { type CommentFormState, SHARE_PAGE_CSP, SHARE_PAGE_CSS, sharePage, shareMessagePage } from "../../../shared/studio/sharing/share-page";
import { sharePagePath } from "../../../shared/studio/sharing/share-links";
import { type AppEnv, createRouter } from "../context";

/**
 * A share link opened in a browser: the same URL as the JSON view (`GET /v1/studio/shared/{token}`)
 * answers a page when the request asks for HTML (browsers' `Accept` names text/html; API clients
 * get JSON as before), and the page's comment form posts urlencoded to the JSON endpoint's path.
 */

type ShareContext = Context<AppEnv>;

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const BOX_ID = /^[A-Za-z0-9_-]{1,64}$/;

const wantsHtml = (c: ShareContext) => (c.req.header("accept") ?? "").toLowerCase().includes("text/html");
const isForm = (c: ShareContext) => (c.req.header("content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");

async function page(c: ShareContext, body: unknown, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}) {
  return c.html(String(await body), status, {
    // Signed file URLs and a token in the address: nothing of it may sit in a cache.
    "cache-control": "no-store",
    "content-security-policy": SHARE_PAGE_CSP,
    "x-frame-options": "DENY",
    // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on the form post, which the origin check refuses.
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
    ...headers,
  });
}

/** The link cannot be shown (unknown, revoked, expired): a page saying so, with the API's status. */
function linkProblemPage(c: ShareContext, error: ApiError) {
  if (error.status === 410) return page(c, shareMessagePage("This link has expired", "Ask the person who shared it for a new one."), 410);
  return page(c, shareMessagePage("This link does not work", "It was revoked, or it was never a share link. Ask the person who shared it."), 404);
}

async function renderShare(c: ShareContext, token: string, form?: CommentFormState, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}) {
  try {
    const { view, comments } = await sharedProjectPage(c.get("deps"), token);
    return page(c, sharePage({ token, project: view, comments, form }), status, headers);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) return linkProblemPage(c, error);
    throw error;
  }
}

export const sharePageStylesheet: MiddlewareHandler<AppEnv> = async (c) =>
  c.body(SHARE_PAGE_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" });

/** GET /v1/studio/shared/{token} with Accept: text/html. */
export const sharePageOnHtml: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "GET" || !wantsHtml(c)) return next();
  const token = c.req.param("token") ?? "";
  if (!TOKEN.test(token)) return linkProblemPage(c, new ApiError(404, "not_found"));
  return renderShare(c, token);
};

/**
 * POST /v1/studio/shared/{token}/boxes/{boxId}/comments as a form: the same comment as the JSON
 * endpoint (the per-IP and per-link rate limits, a required name), then back to the page (303).
 * A form from another site is refused, so no page elsewhere can post in a visitor's name.
 */
export const commentFormPost: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method !== "POST" || !isForm(c)) return next();
  const token = c.req.param("token") ?? "";
  const boxId = c.req.param("boxId") ?? "";
  if (!TOKEN.test(token) || !BOX_ID.test(boxId)) return linkProblemPage(c, new ApiError(404, "not_found"));
  const origin = c.req.header("origin");
  if ((origin && origin !== new URL(c.req.url).origin) || c.req.header("sec-fetch-site") === "cross-site") {
    return page(c, shareMessagePage("Not sent", "Comments can only be sent from the shared page itself."), 403);
  }
  // Bytes, then text: workerd warns when a form body is read with .text().
  const fields = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const authorName = (fields.get("authorName") ?? "").trim().slice(0, 100);
  const text = (fields.get("text") ?? "").trim().slice(0, 4000);
  const refused = (error: string, status: ContentfulStatusCode, headers: Record<string, string> = {}) =>
    renderShare(c, token, { boxId, error, authorName, text }, status, headers);
  if (!authorName) return refused("Write your name so the owner knows who commented.", 400);
  if (!text) return refused("Write a comment first.", 400);
  try {
    await commentThroughLink(c.get("deps"), token, boxId, clientInfo(c.req.raw).ip, { authorName, text });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 429) {
      const retryAfter = error.headers["retry-after"] ?? "60";
      return refused(`Too many comments from here just now; try again in ${retryAfter} seconds.`, 429, { "retry-after": retryAfter });
    }
    return linkProblemPage(c, error);
  }
  return c.redirect(`${sharePagePath(token)}#box-${boxId}`, 303);
};

/** GET /studio/shared/{token}: the page itself, whatever the request accepts (the address handed out to people). */
const openSharePage: MiddlewareHandler<AppEnv> = async (c) => {
  const token = c.req.param("token") ?? "";
  if (!TOKEN.test(token)) return linkProblemPage(c, new ApiError(404, "not_found"));
  return renderShare(c, token);
};

/** A form post that is not urlencoded has no business on the page's address. */
const notAForm: MiddlewareHandler<AppEnv> = async (c) => page(c, shareMessagePage("Not sent", "Write the comment on the shared page itself."), 415);

/**
 * Mounted at /studio/shared: the shared project's web page (`pageUrl` of a share link) and its
 * comment form's posts. Not in /openapi.json: pages for people; the JSON view stays at
 * /v1/studio/shared/{token}.
 */
export const studioSharePageRoutes = createRouter();
studioSharePageRoutes.get("/:token", openSharePage);
studioSharePageRoutes.post("/:token/boxes/:boxId/comments", commentFormPost, notAForm);
