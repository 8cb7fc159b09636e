import type { SQLWrapper } from "drizzle-orm";
import { forbidden } from "../http/errors";
import { galleryPage } from "../media/gallery";
import type { Deps } from "../platform/deps-types";
import { hintsOf } from "./hints";
import { hasOpenHint } from "./records";

/**
 * The gallery's pictures newest first, each with its hint (null: none asked for or hints off), for
 * moderators and admins; with `openHints`, only those whose hint flags something and that no
 * moderator has kept (the queue of open hints).
 */
export async function picturesToModerate(deps: Deps, actor: { userId: string; role: string }, cursor: string | undefined, limit: number, openHints = false) {
  if (actor.role !== "moderator" && actor.role !== "admin") throw forbidden("Only moderators and admins moderate pictures");
  const filter = openHints ? { only: (imageId: SQLWrapper) => hasOpenHint("image", imageId) } : {};
  const page = await galleryPage(deps, filter, cursor, limit, actor.userId);
  const hints = await hintsOf(
    deps,
    "image",
    page.items.map((item) => item.id),
  );
  return { ...page, items: page.items.map((item) => ({ ...item, aiHint: hints.get(item.id) ?? null })) };
}
