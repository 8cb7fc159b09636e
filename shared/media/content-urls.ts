import { ApiError, notFound } from "../http/errors";
import { readableFile } from "./files";
import { findFile, findReadableFile, type StoredFile } from "./records/files";
import { contentPath } from "./content-path";
import { signUrl, verifySignedUrl } from "./signed-urls";
import type { Deps } from "../platform/deps-types";

/**
 * A URL that serves the file's content with no token until it expires (for `<img>`, players,
 * downloads). Only someone who may read the file now can get one; `params` (a variant) are signed
 * with it, so the holder cannot ask for anything else. It names its reader (`reader`, signed too),
 * and every use checks again that the reader may still read the file: a URL stops working the
 * moment its reader loses access (removed from the chat, the message deleted, the file private
 * again), not when it expires.
 */
export async function signedContentUrl(
  deps: Deps,
  fileId: string,
  readerId: string,
  expiresInSeconds: number,
  params: Record<string, string> = {},
): Promise<{ url: string; expiresAt: string }> {
  const config = deps.config.media;
  const key = config.urlSigningKeys[0];
  if (!key) throw new ApiError(503, "not_configured", "Signed URLs need the MEDIA_URL_SIGNING_KEYS secret");
  await readableFile(deps, fileId, readerId);
  const seconds = Math.min(Math.max(1, Math.floor(expiresInSeconds)), config.signedUrlMaxSeconds);
  const expiresAt = new Date(Math.floor(deps.clock.now() / 1000) * 1000 + seconds * 1000);
  const unsigned = new URL(contentPath(fileId), deps.config.publicOrigin);
  for (const [name, value] of Object.entries(params)) unsigned.searchParams.set(name, value);
  unsigned.searchParams.set(READER_PARAM, readerId);
  const url = await signUrl(unsigned, key, expiresAt);
  return { url: url.toString(), expiresAt: expiresAt.toISOString() };
}

/** The signed parameter naming who a content URL was made for. */
export const READER_PARAM = "reader";

/**
 * The file a signed content URL names, once its signature and expiry hold (403 otherwise) and its
 * reader may still read the file (404 otherwise, as for the reader with a token). A URL without a
 * reader (a studio share link's, which expires within minutes) is not checked again.
 */
export async function fileOfSignedUrl(deps: Deps, url: URL, method: string): Promise<{ file: StoredFile; secondsLeft: number }> {
  const check = await verifySignedUrl(url, deps.config.media.urlSigningKeys, deps.clock.date(), method === "HEAD" ? "GET" : method);
  if (!check.ok) {
    throw check.code === "url_expired"
      ? new ApiError(403, "url_expired", "This link has expired")
      : new ApiError(403, "invalid_signature", "This link is not valid");
  }
  const id = decodeURIComponent(url.pathname.split("/")[3] ?? "");
  const reader = url.searchParams.get(READER_PARAM);
  const file = reader === null ? await findFile(deps.db, id) : await findReadableFile(deps.db, id, reader);
  if (!file) throw notFound("No such file");
  const secondsLeft = Math.max(0, Number(url.searchParams.get("expires")) - Math.floor(deps.clock.now() / 1000));
  return { file, secondsLeft };
}
