import { forbidden } from "../http/errors";
import { galleryPage } from "../media/gallery";
import type { Deps } from "../platform/deps-types";
import { hintsOf } from "./hints";

/** The gallery's pictures newest first, each with its hint (null: none asked for or hints off), for moderators and admins. */
export async function picturesToModerate(deps: Deps, actor: { userId: string; role: string }, cursor: string | undefined, limit: number) {
  if (actor.role !== "moderator" && actor.role !== "admin") throw forbidden("Only moderators and admins moderate pictures");
  const page = await galleryPage(deps, {}, cursor, limit, actor.userId);
  const hints = await hintsOf(
    deps,
    "image",
    page.items.map((item) => item.id),
  );
  return { ...page, items: page.items.map((item) => ({ ...item, aiHint: hints.get(item.id) ?? null })) };
}
