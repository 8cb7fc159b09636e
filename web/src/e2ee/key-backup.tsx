// The secure backup on the account screen (docs/e2ee.md, "Secure backup"), as Matrix's: set it up
// (a recovery key shown once, confirmed saved), see that it is on, restore earlier messages on a
// new browser with the recovery key, delete it. What the backup holds is this browser's decrypted
// history (a HistoryArchive, taken as a parameter).
import { useEffect, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { newRecoveryKey } from "../../../client/e2ee/backup";
import { platform } from "../api-client";
import { dateTime } from "../format";
import { ProblemNote } from "../problem-note";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import type { HistoryArchive } from "./key-backup-archive";
import {
  type BackupStop,
  backupServer,
  type DeviceBackup,
  deviceBackup,
  forgetBackup,
  rememberBackup,
  UPDATE_EVERY_MS,
  updateBackupNow,
} from "./key-backup-device";
import { type BackupOutcome, type RestoreOutcome, restoreBackup, setUpBackup } from "./key-backup-sync";

const messages = (n: number) => (n === 1 ? "1 message" : `${n} messages`);

const STOP_WORDS: Record<BackupStop, string> = {
  deleted_elsewhere: "Your backup was deleted on another of your devices. Set up a new one to keep your history safe.",
  key_changed:
    "Your backup was set up again on another of your devices, with a new recovery key. Enter the new key below to keep this browser's history in it.",
  too_large: "Even your newest messages do not fit the backup's size limit. Your history stays on your devices only.",
  unreadable: "Your backup was stored by a newer version of the app. Reload the app to keep updating it.",
};

const RESTORE_WORDS: Record<Exclude<RestoreOutcome["kind"], "restored">, string> = {
  no_backup: "There is no backup to restore: it may have been deleted on another device.",
  not_a_key:
    "That is not a recovery key. A recovery key is 43 letters, digits, dashes and underscores, shown in groups of four: check that every group is there.",
  wrong_key: "That recovery key does not open your backup. Check each group and try again; a key from an older backup no longer works.",
  unreadable: "Your backup opened, but it was stored by a newer version of the app. Reload the app and try again.",
};

type Step =
  | { kind: "loading" }
  | { kind: "ready"; server: { version: number; updatedAt: string } | null; device: DeviceBackup | undefined }
  | { kind: "showing-key"; recoveryKey: string; replaces: boolean };

/** The secure backup of `archive` (null: this browser keeps no decrypted history yet). */
export function KeyBackupPanel({ archive }: { archive: HistoryArchive | null }) {
  const { me } = useAppState();
  const [step, setStep] = useState<Step>({ kind: "loading" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Why a recovery key did not open the backup: shown under the key, where the person fixes it. */
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async () => {
    if (!me) return;
    let server: { version: number; updatedAt: string } | null = null;
    try {
      server = await ok(platform.api.v1.e2ee["key-backup"].$get());
    } catch (caught) {
      if (!(caught instanceof ProblemError && caught.status === 404)) throw caught;
    }
    setStep({ kind: "ready", server, device: await deviceBackup(me.id) });
  };
  useEffect(() => {
    void load().catch((caught) => setError(problemText(caught, "Could not read your backup. Try again.")));
  }, [me?.id]);

  const act = (work: () => Promise<void>, fallback: string) => async () => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (caught) {
      setError(problemText(caught, fallback));
    } finally {
      setBusy(false);
    }
  };

  const outcomeWords = (outcome: BackupOutcome | null): string | null => {
    if (!outcome) return null;
    if (outcome.kind === "stored")
      return outcome.dropped > 0
        ? `Backed up your newest ${messages(outcome.messages)}; ${messages(outcome.dropped)} did not fit and stay on your devices only.`
        : `Backed up ${messages(outcome.messages)}.`;
    if (outcome.kind === "unchanged") return "Your backup is up to date.";
    return STOP_WORDS[outcome.kind];
  };

  const turnOn = (recoveryKey: string) =>
    act(async () => {
      if (!me || !archive) return;
      const { key, outcome, progress } = await setUpBackup({ server: backupServer, archive, recoveryKey });
      await rememberBackup(me.id, { key, progress, stopped: outcome.kind === "too_large" ? "too_large" : null });
      setNotice(outcomeWords(outcome));
      await load();
    }, "Could not store your backup. Try again.");

  const backUpNow = act(async () => {
    if (!me) return;
    setNotice(outcomeWords(await updateBackupNow(me.id, true)));
    await load();
  }, "Could not store your backup. Try again.");

  const restore = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const recoveryKey = String(new FormData(form).get("recoveryKey") ?? "");
    setRestoreError(null);
    return act(async () => {
      if (!me || !archive) return;
      const outcome = await restoreBackup({ server: backupServer, archive, recoveryKey });
      if (outcome.kind !== "restored") {
        setRestoreError(RESTORE_WORDS[outcome.kind]);
        return;
      }
      await rememberBackup(me.id, { key: outcome.key, progress: outcome.progress, stopped: null });
      form.reset();
      setNotice(
        outcome.added === outcome.total
          ? `Restored ${messages(outcome.added)} from your backup.`
          : `Restored ${messages(outcome.added)} from your backup (${messages(outcome.total - outcome.added)} were here already).`,
      );
      await load();
    }, "Could not restore your backup. Try again.")();
  };

  const remove = act(async () => {
    if (!me) return;
    if (!confirm("Delete your secure backup? Earlier messages that are not on any of your devices will be gone for good.")) return;
    try {
      await ok(platform.api.v1.e2ee["key-backup"].$delete());
    } catch (caught) {
      if (!(caught instanceof ProblemError && caught.status === 404)) throw caught;
    }
    await forgetBackup(me.id);
    setNotice("Your backup is deleted.");
    await load();
  }, "Could not delete your backup. Try again.");

  return (
    <section aria-labelledby="e2ee-backup" class="e2ee-section" data-testid="key-backup">
      <h3 id="e2ee-backup">Secure backup</h3>
      <p class="muted small">
        A browser or app you sign in to reads encrypted messages from the moment it joins a chat, never the ones from before. Earlier messages can come only
        from your secure backup: your history, encrypted on your device under a recovery key that only you have. The server stores it but cannot read it.
      </p>
      {step.kind === "showing-key" ? (
        <RecoveryKeyStep
          recoveryKey={step.recoveryKey}
          replaces={step.replaces}
          busy={busy}
          onConfirmed={() => void turnOn(step.recoveryKey)()}
          onCancel={() => void load()}
        />
      ) : step.kind === "ready" ? (
        <BackupState
          step={step}
          archive={archive}
          busy={busy}
          onSetUp={(replaces) => setStep({ kind: "showing-key", recoveryKey: newRecoveryKey(), replaces })}
          onBackUpNow={() => void backUpNow()}
          onRestore={restore}
          restoreError={restoreError}
          onDelete={() => void remove()}
        />
      ) : null}
      {notice && (
        <p class="small" role="status" data-testid="key-backup-notice">
          {notice}
        </p>
      )}
      <ProblemNote text={error} />
    </section>
  );
}

function RecoveryKeyStep(props: { recoveryKey: string; replaces: boolean; busy: boolean; onConfirmed: () => void; onCancel: () => void }) {
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(props.recoveryKey).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div class="stack recovery-key-step">
      <p>
        <strong>Your recovery key.</strong> It is the only way to open your backup. Nobody can reset it, not even the server, so keep it somewhere safe: write
        it down, or keep it in a password manager. It is shown only now.
      </p>
      {props.replaces && <p class="banner warning">Your old recovery key will stop working: the backup it opened is replaced by this one.</p>}
      <code class="recovery-key" data-testid="recovery-key">
        {/* Each group on one line: a dash inside a group must not break it in two. */}
        {props.recoveryKey.split(" ").map((group, i) => (
          <>
            {i > 0 && " "}
            <span class="key-group">{group}</span>
          </>
        ))}
      </code>
      <div class="row">
        <button type="button" class="secondary small" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <label class="choice">
        <input type="checkbox" checked={saved} onChange={(e: Event) => setSaved((e.target as HTMLInputElement).checked)} />I have saved my recovery key
        somewhere safe
      </label>
      <div class="row end">
        <button type="button" class="secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="primary" disabled={!saved || props.busy} onClick={props.onConfirmed}>
          {props.busy ? "Backing up…" : "Turn on backup"}
        </button>
      </div>
    </div>
  );
}

function BackupState(props: {
  step: Extract<Step, { kind: "ready" }>;
  archive: HistoryArchive | null;
  busy: boolean;
  onSetUp: (replaces: boolean) => void;
  onBackUpNow: () => void;
  onRestore: (event: Event) => void;
  restoreError: string | null;
  onDelete: () => void;
}) {
  const { server, device } = props.step;
  const updating = server && device?.key && device.stopped !== "key_changed" ? { server, device } : null;
  const minutes = UPDATE_EVERY_MS / 60_000;
  return (
    <div class="stack">
      {device?.stopped && (
        <p class="banner warning" role="status">
          {STOP_WORDS[device.stopped]}
        </p>
      )}
      {!props.archive && (
        <p class="muted small" data-testid="no-history">
          This browser keeps no decrypted history yet, so there is nothing to back up or restore into here. It will once it reads encrypted chats.
        </p>
      )}
      {updating ? (
        <>
          <p data-testid="key-backup-state">
            <strong>Secure backup is on.</strong> This browser adds its history to it every {minutes} minutes while the app is open, and when you leave the app.
            {updating.device.progress.storedAt
              ? ` Last stored ${dateTime(updating.device.progress.storedAt)}.`
              : ` Last changed ${dateTime(updating.server.updatedAt)}.`}
          </p>
          {updating.device.progress.dropped > 0 && (
            <p class="muted small">Your history is larger than the backup can hold: it keeps your newest messages, older ones stay on your devices only.</p>
          )}
          <div class="row end">
            <button type="button" class="secondary" disabled={props.busy || !props.archive} onClick={props.onBackUpNow}>
              Back up now
            </button>
            <button type="button" class="secondary danger" disabled={props.busy} onClick={props.onDelete}>
              Delete backup
            </button>
          </div>
        </>
      ) : server ? (
        <>
          <p data-testid="key-backup-state">
            <strong>You have a secure backup</strong> (last changed {dateTime(server.updatedAt)}). This browser is not using it yet.
          </p>
          {props.archive && (
            <form class="stack" onSubmit={props.onRestore}>
              <h4>Restore earlier messages</h4>
              <label>
                Recovery key
                <textarea
                  name="recoveryKey"
                  rows={2}
                  required
                  autocomplete="off"
                  spellcheck={false}
                  placeholder="abcd efgh ijkl …"
                  aria-invalid={props.restoreError ? "true" : undefined}
                  aria-describedby={props.restoreError ? "restore-error" : undefined}
                />
              </label>
              {props.restoreError && (
                <p class="error" role="alert" id="restore-error" data-testid="key-backup-error">
                  {props.restoreError}
                </p>
              )}
              <div class="row end">
                <button type="submit" class="primary" disabled={props.busy}>
                  {props.busy ? "Restoring…" : "Restore"}
                </button>
              </div>
            </form>
          )}
          <p class="muted small">Lost your recovery key? Set up a new backup: the old one is replaced and can no longer be opened.</p>
          <div class="row end">
            <button type="button" class="secondary" disabled={props.busy || !props.archive} onClick={() => props.onSetUp(true)}>
              Set up a new backup
            </button>
            <button type="button" class="secondary danger" disabled={props.busy} onClick={props.onDelete}>
              Delete backup
            </button>
          </div>
        </>
      ) : (
        <>
          <p data-testid="key-backup-state">
            <strong>No secure backup.</strong> If you lose all your devices, or sign in on a new one, your earlier encrypted messages cannot be read there.
          </p>
          <div class="row end">
            <button type="button" class="primary" disabled={props.busy || !props.archive} onClick={() => props.onSetUp(false)}>
              Set up secure backup
            </button>
          </div>
        </>
      )}
    </div>
  );
}
