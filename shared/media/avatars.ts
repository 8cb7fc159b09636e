import { badRequest, notFound } from "../http/errors";
import { contentPath } from "./content-path";
import { isImage } from "./media-types";
import { setAvatar } from "./records/avatars";
import { findOwnFileRecord } from "./records/files";
import type { Deps } from "../platform/deps-types";

/** The square variant an avatar is shown as. */
export const AVATAR_VARIANT = { width: "256", height: "256", fit: "cover" } as const;

export function avatarUrl(origin: string, fileId: string): string {
  const url = new URL(contentPath(fileId), origin);
  for (const [name, value] of Object.entries(AVATAR_VARIANT)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * Makes one of the user's own image files their avatar: the file becomes public and the user's
 * `avatarUrl` points at its square variant. Deleting the file clears the avatar.
 */
export async function useFileAsAvatar(deps: Deps, userId: string, fileId: string): Promise<void> {
  const file = await findOwnFileRecord(deps.db, fileId, userId);
  if (!file) throw notFound("No such file");
  if (!isImage(file.contentType) || (file.purpose !== "avatar" && file.purpose !== "image")) {
    throw badRequest("invalid_file", "An avatar is an image file uploaded with purpose avatar or image");
  }
  await setAvatar(deps.db, userId, file.id, avatarUrl(deps.config.publicOrigin, file.id), deps.clock.now());
}
