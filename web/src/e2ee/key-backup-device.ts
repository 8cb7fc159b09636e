// This browser's part of the secure backup (docs/e2ee.md, "Secure backup"): the backup key and
// progress it keeps in IndexedDB, the server's `/v1/e2ee/key-backup` through the platform client,
// and the updates while the app is open: every UPDATE_EVERY_MS and when the app goes to the
// background, each storing only when the history changed (key-backup-sync.ts).
import { ok, ProblemError } from "../../../client";
import { platform } from "../api-client";
import { store } from "../store";
import { installedHistoryArchive } from "./key-backup-archive";
import { type BackupOutcome, type BackupProgress, type KeyBackupServer, updateBackup } from "./key-backup-sync";
import { recordStore } from "../indexed-records";

/** How often an open app stores its grown history (at most; an unchanged history stores nothing). */
export const UPDATE_EVERY_MS = 10 * 60_000;

/** Why this browser stopped updating the backup, kept so the account screen can say it. */
export type BackupStop = Extract<BackupOutcome["kind"], "deleted_elsewhere" | "key_changed" | "too_large" | "unreadable">;

/** What this browser keeps of the backup: the key (not extractable) while it updates it, or why it stopped. */
export interface DeviceBackup {
  key: CryptoKey | null;
  progress: BackupProgress;
  stopped: BackupStop | null;
}

const backups = recordStore<DeviceBackup>("edge-platform-key-backup", "backups");

export const deviceBackup = (userId: string) => backups.get(userId);
export const rememberBackup = (userId: string, backup: DeviceBackup) => backups.put(userId, backup);
export const forgetBackup = (userId: string) => backups.delete(userId);

/** `/v1/e2ee/key-backup` as key-backup-sync.ts needs it: a missing backup is null, a conflict and a size refusal are answers. */
export const backupServer: KeyBackupServer = {
  async fetch() {
    try {
      const backup = await ok(platform.api.v1.e2ee["key-backup"].$get());
      return { version: backup.version, blob: backup.blob };
    } catch (error) {
      if (error instanceof ProblemError && error.status === 404) return null;
      throw error;
    }
  },
  async store(replaces, blob) {
    try {
      return { ok: true, version: (await ok(platform.api.v1.e2ee["key-backup"].$put({ json: { replaces, blob } }))).version };
    } catch (error) {
      if (error instanceof ProblemError && error.code === "mls_backup_version_conflict") return { ok: false, reason: "conflict" };
      if (error instanceof ProblemError && error.code === "mls_backup_too_large") return { ok: false, reason: "too_large" };
      throw error;
    }
  },
};

const STOPS = new Set<BackupOutcome["kind"]>(["deleted_elsewhere", "key_changed", "too_large", "unreadable"]);

/** Stores this browser's history in the backup if it changed (`force`: even if not); nothing when it keeps no key or no history. */
export async function updateBackupNow(userId: string, force = false): Promise<BackupOutcome | null> {
  const archive = installedHistoryArchive();
  const kept = await deviceBackup(userId);
  if (!archive || !kept?.key) return null;
  const { outcome, progress } = await updateBackup({ server: backupServer, archive, key: kept.key, progress: kept.progress, force });
  if (STOPS.has(outcome.kind)) {
    // Another device deleted it or set it up again: this one's key is of no use any more.
    const stopped = outcome.kind as BackupStop;
    await rememberBackup(userId, { key: stopped === "too_large" ? kept.key : null, progress, stopped });
  } else await rememberBackup(userId, { key: kept.key, progress, stopped: null });
  return outcome;
}

let started = false;

/**
 * Keeps the backup up to date while the app runs (main.tsx starts it once). A sign-out forgets the
 * backup keys of this browser: the next session is a new device, which restores with the recovery key.
 */
export function startKeyBackupUpdates(): void {
  if (started) return;
  started = true;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    const me = store.state.me;
    if (!me || store.state.phase !== "signed-in" || running) return;
    running = updateBackupNow(me.id)
      .catch(() => undefined) // offline or refused: the next turn tries again
      .finally(() => {
        running = null;
      });
  };
  setInterval(tick, UPDATE_EVERY_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") tick();
  });
  platform.onSignedOut(() => void backups.clear().catch(() => undefined));
}
