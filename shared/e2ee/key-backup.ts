import type { Deps } from "../platform/deps-types";
import { ApiError, conflict, notFound } from "../http/errors";
import { deleteKeyBackup, findKeyBackup, replaceKeyBackup } from "./records";

/** A user's key backup as stored: opaque to the server (docs/e2ee.md, "Key backup"). */
export interface KeyBackup {
  version: number;
  blob: string;
  updatedAt: string;
}

export async function getKeyBackup(deps: Deps, userId: string): Promise<KeyBackup> {
  const backup = await findKeyBackup(deps.db, userId);
  if (!backup) throw notFound("No key backup");
  return { version: backup.version, blob: backup.blob, updatedAt: backup.updatedAt.toISOString() };
}

/**
 * Stores a new version of the backup over version `replaces` (0 when there is none): two devices
 * uploading over the same version cannot overwrite each other, the second is told to merge.
 */
export async function putKeyBackup(deps: Deps, userId: string, body: { replaces: number; blob: string }): Promise<KeyBackup> {
  // base64url: 4 characters carry 3 bytes.
  if (Math.floor((body.blob.length * 3) / 4) > deps.config.e2ee.keyBackupMaxBytes)
    throw new ApiError(413, "mls_backup_too_large", `A key backup is at most ${deps.config.e2ee.keyBackupMaxBytes} bytes`);
  const now = deps.clock.date();
  const version = await replaceKeyBackup(deps.db, userId, body.replaces, body.blob, now);
  if (version === undefined) throw conflict("mls_backup_version_conflict", `The key backup is no longer version ${body.replaces}`);
  return { version, blob: body.blob, updatedAt: now.toISOString() };
}

export async function removeKeyBackup(deps: Deps, userId: string): Promise<void> {
  if (!(await deleteKeyBackup(deps.db, userId))) throw notFound("No key backup");
}
