// Setting up, updating and restoring the secure backup of this device's decrypted history
// (docs/e2ee.md, "Secure backup"). No DOM and no IndexedDB: the server, the history and the
// key come in as parameters, so the conflict handling is tested with fakes
// (test/e2ee/key-backup-sync.test.ts).
import { backupKeyFromRecoveryKey, openBackup, parseRecoveryKey, sealBackup } from "../../../client/e2ee/backup";
import {
  decodeHistoryArchive,
  encodeHistoryArchive,
  type HistoryArchive,
  HistoryArchiveError,
  mergeHistoryArchives,
  newestMessages,
} from "./key-backup-archive";

/** `GET` and `PUT /v1/e2ee/key-backup` as the backup needs them. */
export interface KeyBackupServer {
  /** The stored backup, or null when there is none (`404`). */
  fetch(): Promise<{ version: number; blob: string } | null>;
  /** Stores `blob` as the version after `replaces`: `409 mls_backup_version_conflict` is `conflict`, `413 mls_backup_too_large` is `too_large`. */
  store(replaces: number, blob: string): Promise<{ ok: true; version: number } | { ok: false; reason: "conflict" | "too_large" }>;
}

/** What this device remembers of the backup it keeps up to date (beside the backup key). */
export interface BackupProgress {
  /** The server's version this device last stored or read. */
  version: number;
  /** SHA-256 of the history it last stored (null: store at the next chance). */
  digest: string | null;
  /** Messages left out of the last upload because the whole history did not fit the server's limit. */
  dropped: number;
  /** When this device last stored the backup (ISO), if it has. */
  storedAt: string | null;
}

export type BackupOutcome =
  | { kind: "unchanged" }
  | { kind: "stored"; version: number; messages: number; dropped: number }
  /** Another device deleted the backup: this one stops updating it. */
  | { kind: "deleted_elsewhere" }
  /** Another device set the backup up again under a new recovery key: this one's key opens it no more. */
  | { kind: "key_changed" }
  /** Not even the newest message fits the server's limit. */
  | { kind: "too_large" }
  /** The backup holds history this app cannot read (stored by a newer version): left as it is. */
  | { kind: "unreadable" };

/** How often two devices may overtake each other before an update gives up until its next turn. */
const CONFLICT_ATTEMPTS = 5;

/** Every history archive this device hands over, in its one canonical byte form (so equal histories have equal digests). */
const canonical = (bytes: Uint8Array) => encodeHistoryArchive(decodeHistoryArchive(bytes));

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Stores this device's history in the backup when it changed since the last upload. Two devices
 * may store at once: the server takes one upload per version (`replaces`), and the one that lost
 * fetches the other's backup, adds its messages to its own history (`importHistory`), merges both
 * archives by message (`mergeHistoryArchives`) and stores the merge over the new version.
 */
export async function updateBackup(options: {
  server: KeyBackupServer;
  archive: HistoryArchive;
  key: CryptoKey;
  progress: BackupProgress;
  /** Store even when the history did not change (a new backup, or one set up again). */
  force?: boolean;
  now?: () => Date;
}): Promise<{ outcome: BackupOutcome; progress: BackupProgress }> {
  const { server, archive, key } = options;
  const now = options.now ?? (() => new Date());
  let content = canonical(await archive.exportHistory());
  let digest = await sha256Hex(content);
  if (!options.force && digest === options.progress.digest) return { outcome: { kind: "unchanged" }, progress: options.progress };
  let version = options.progress.version;
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
    const stored = await storeFitting(server, key, version, content);
    if (stored.kind === "too_large") return { outcome: stored, progress: { ...options.progress, version } };
    if (stored.kind === "stored") {
      return {
        outcome: stored,
        progress: { version: stored.version, digest, dropped: stored.dropped, storedAt: now().toISOString() },
      };
    }
    const remote = await server.fetch();
    if (!remote) return { outcome: { kind: "deleted_elsewhere" }, progress: options.progress };
    let opened: Uint8Array;
    try {
      opened = await openBackup(key, remote.blob);
    } catch {
      return { outcome: { kind: "key_changed" }, progress: options.progress };
    }
    let theirs: Uint8Array;
    try {
      theirs = canonical(opened);
    } catch (error) {
      if (!(error instanceof HistoryArchiveError)) throw error;
      // A newer app stored history this one cannot read: merging would drop it, so this device stops.
      return { outcome: { kind: "unreadable" }, progress: options.progress };
    }
    await archive.importHistory(theirs);
    content = mergeHistoryArchives(content, theirs);
    digest = await sha256Hex(content);
    version = remote.version;
  }
  // Overtaken every time: the next turn (minutes later) tries again from the version it saw.
  return { outcome: { kind: "unchanged" }, progress: { ...options.progress, version, digest: null } };
}

/**
 * Stores the archive over `replaces`; when the server finds it too large, the newest half of the
 * messages, then the newest quarter, and so on (older ones are then only on the devices).
 */
async function storeFitting(
  server: KeyBackupServer,
  key: CryptoKey,
  replaces: number,
  content: Uint8Array,
): Promise<{ kind: "stored"; version: number; messages: number; dropped: number } | { kind: "conflict" } | { kind: "too_large" }> {
  const total = decodeHistoryArchive(content).length;
  let upload = content;
  let kept = total;
  for (;;) {
    const result = await server.store(replaces, await sealBackup(key, upload));
    if (result.ok) return { kind: "stored", version: result.version, messages: kept, dropped: total - kept };
    if (result.reason === "conflict") return { kind: "conflict" };
    if (kept === 0) return { kind: "too_large" };
    const smaller = newestMessages(content, Math.floor(kept / 2));
    upload = smaller.archive;
    kept = smaller.kept;
  }
}

/**
 * Sets the backup up under a new recovery key: this device's history is stored over whatever the
 * server holds (`replaces` its version; an older backup's recovery key opens nothing any more).
 */
export async function setUpBackup(options: {
  server: KeyBackupServer;
  archive: HistoryArchive;
  recoveryKey: string;
  now?: () => Date;
}): Promise<{ key: CryptoKey; outcome: BackupOutcome; progress: BackupProgress }> {
  const key = await backupKeyFromRecoveryKey(options.recoveryKey);
  const existing = await options.server.fetch();
  const start: BackupProgress = { version: existing?.version ?? 0, digest: null, dropped: 0, storedAt: null };
  const content = canonical(await options.archive.exportHistory());
  // Set up over a known version: a conflict here is another device storing in this instant, and
  // merging with a backup under the old key is impossible, so it is stored over again.
  for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
    const stored = await storeFitting(options.server, key, start.version, content);
    if (stored.kind === "too_large") return { key, outcome: stored, progress: start };
    if (stored.kind === "stored") {
      const now = (options.now ?? (() => new Date()))();
      return {
        key,
        outcome: stored,
        progress: { version: stored.version, digest: await sha256Hex(content), dropped: stored.dropped, storedAt: now.toISOString() },
      };
    }
    start.version = (await options.server.fetch())?.version ?? 0;
  }
  throw new Error("The backup kept changing on another device");
}

export type RestoreOutcome =
  | { kind: "restored"; key: CryptoKey; added: number; total: number; progress: BackupProgress }
  | { kind: "no_backup" }
  /** Not the shape of a recovery key at all (a typo, a missing group). */
  | { kind: "not_a_key" }
  /** A well-formed key that does not open this backup. */
  | { kind: "wrong_key" }
  /** It opened, but holds no history this app reads (another app's or a newer version). */
  | { kind: "unreadable" };

/**
 * A new device restores earlier messages: the recovery key opens the backup, its messages join
 * this device's history. The device then keeps the backup key, so its own history joins the
 * backup too (the next update merges).
 */
export async function restoreBackup(options: { server: KeyBackupServer; archive: HistoryArchive; recoveryKey: string }): Promise<RestoreOutcome> {
  if (!parseRecoveryKey(options.recoveryKey)) return { kind: "not_a_key" };
  const remote = await options.server.fetch();
  if (!remote) return { kind: "no_backup" };
  const key = await backupKeyFromRecoveryKey(options.recoveryKey);
  let content: Uint8Array;
  try {
    content = await openBackup(key, remote.blob);
  } catch {
    return { kind: "wrong_key" };
  }
  let total: number;
  try {
    total = decodeHistoryArchive(content).length;
  } catch {
    return { kind: "unreadable" };
  }
  const added = await options.archive.importHistory(content);
  return { kind: "restored", key, added, total, progress: { version: remote.version, digest: null, dropped: 0, storedAt: null } };
}
