import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { setAvatarUrlQuery } from "../../identity/account/records";
import { avatars, files } from "../../db/schema/media";

/** Avatars: the user's image file shown as their picture. */

/** Makes the file the user's avatar (public, so every viewer can load it) and records it. */
export async function setAvatar(db: Database, userId: string, fileId: string, avatarUrl: string, now: number): Promise<void> {
  const at = new Date(now);
  await db.batch([
    db.update(files).set({ visibility: "public" }).where(eq(files.id, fileId)),
    db
      .insert(avatars)
      .values({ userId, fileId, updatedAt: at })
      .onConflictDoUpdate({ target: avatars.userId, set: { fileId, updatedAt: at } }),
    setAvatarUrlQuery(db, userId, avatarUrl, at),
  ]);
}
