import type { Env } from "../env";
import type { Attachment, RoomResult } from "./model";

/**
 * Attachments name files already stored in R2 by their sha-256 (the media module's
 * content-addressed keys). Only ids that resolve to a stored object are accepted, so a
 * message never points at nothing.
 */
export async function resolveAttachments(env: Env, ids: string[]): Promise<RoomResult<Attachment[]>> {
  const unique = [...new Set(ids)];
  const heads = await Promise.all(unique.map((id) => env.FILES.head(id)));
  const missing = unique.filter((_, i) => heads[i] === null);
  if (missing.length > 0) return { ok: false, status: 400, code: "unknown_attachment", detail: `No stored file ${missing[0]}` };
  return {
    ok: true,
    value: unique.map((id, i) => ({ id, contentType: heads[i]!.httpMetadata?.contentType ?? null, size: heads[i]!.size })),
  };
}
