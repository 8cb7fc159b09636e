// Verification (docs/e2ee.md, "Verification"): a person's devices with fingerprints, the safety
// number two people compare (and its QR code), marking them verified on this device, and the
// warning when their devices change. Screens: VerificationDialog (from the profile dialog, a
// group's member list and the account's people list), DeviceChangeNotice (a chat header shows it),
// OwnDevices and PeopleTrust (the account's encryption panel).
import { useEffect, useState } from "hono/jsx/dom";
import { renderSVG } from "uqr";
import { matchesSafetyQr, safetyNumberGroups, safetyQrPayload } from "../../../client/e2ee/safety-number";
import { lookUpPerson } from "../people";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import {
  type ContactCheck,
  checkContact,
  devicesOf,
  type ListedDevice,
  onTrustChanged,
  reviewChange,
  safetyNumberWith,
  unverifyContact,
  verifyContact,
} from "./verification-store";
import type { TrustStatus } from "./verification-state";
import { dateTime, dayOf } from "../format";
import { ProblemNote } from "../problem-note";
import { ModalDialog } from "../modal-dialog";

/** A person's name as this tab knows it; asked for once when it does not. */
function usePersonName(userId: string): string {
  const { people } = useAppState();
  useEffect(() => lookUpPerson(userId), [userId]);
  const person = people[userId];
  return person ? person.displayName : person === null ? "A deleted account" : "This person";
}

const STATUS_WORDS: Record<TrustStatus, string> = { verified: "Verified", unverified: "Not verified", changed: "Devices changed" };

export function TrustTag({ status }: { status: TrustStatus }) {
  return <span class={status === "verified" ? "tag good" : status === "changed" ? "tag warning" : "tag"}>{STATUS_WORDS[status]}</span>;
}

/**
 * A fingerprint's groups in two halves, each kept on one line: where the whole does not fit, it
 * breaks in the middle rather than leaving its last group alone on a line.
 */
function FingerprintGroups({ fingerprint }: { fingerprint: string }) {
  const groups = fingerprint.split(" ");
  const middle = Math.ceil(groups.length / 2);
  return (
    <>
      <span class="fingerprint-half">{groups.slice(0, middle).join(" ")}</span> <span class="fingerprint-half">{groups.slice(middle).join(" ")}</span>
    </>
  );
}

function DeviceList({ devices, label, empty }: { devices: ListedDevice[]; label: string; empty: string }) {
  return (
    <ul class="security-list device-list" aria-label={label}>
      {devices.length === 0 && <li class="muted small">{empty}</li>}
      {devices.map((device) => (
        <li key={device.id} data-testid="e2ee-device">
          <div class="grow">
            {/* The minute, not only the day: a person's devices added the same day must read apart. */}
            <strong>{device.current ? "This browser" : `Added ${dateTime(device.createdAt)}`}</strong>
            <div class="fingerprint">
              <span class="visually-hidden">Fingerprint </span>
              <FingerprintGroups fingerprint={device.fingerprint} />
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The 60 digits as 12 groups of 5, and its QR code for the other person to scan. */
function SafetyNumber({ digits, name }: { digits: string; name: string }) {
  const svg = renderSVG(safetyQrPayload(digits), { ecc: "M", border: 2 });
  return (
    <div class="safety">
      <p class="safety-number" data-testid="safety-number">
        <span class="visually-hidden">Safety number: </span>
        {safetyNumberGroups(digits).map((group, i) => (
          <span key={i}>{group}</span>
        ))}
      </p>
      <img
        class="qr"
        data-testid="safety-qr"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
        alt={`QR code of your safety number with ${name}`}
        width="168"
        height="168"
      />
    </div>
  );
}

/** Scans the other person's QR code where the browser can read one (BarcodeDetector: Chrome on Android, macOS, ChromeOS). */
function ScanCode({ digits, onMatch }: { digits: string; onMatch: () => void }) {
  const [state, setState] = useState<"idle" | "scanning" | "match" | "mismatch" | "failed">("idle");
  const Detector = (
    globalThis as { BarcodeDetector?: new (options: { formats: string[] }) => { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> } }
  ).BarcodeDetector;
  if (!Detector) return null;
  const scan = async () => {
    setState("scanning");
    let stream: MediaStream | undefined;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      const video = document.createElement("video");
      video.srcObject = stream;
      video.muted = true;
      await video.play();
      const detector = new Detector({ formats: ["qr_code"] });
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        for (const code of await detector.detect(video)) {
          const same = matchesSafetyQr(code.rawValue, digits);
          if (same === undefined) continue;
          setState(same ? "match" : "mismatch");
          if (same) onMatch();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      setState("failed");
    } catch {
      setState("failed");
    } finally {
      for (const track of stream?.getTracks() ?? []) track.stop();
    }
  };
  return (
    <div class="row">
      <button type="button" class="secondary" onClick={() => void scan()} disabled={state === "scanning"}>
        {state === "scanning" ? "Point the camera at their code…" : "Scan their code"}
      </button>
      {state === "match" && <span class="small">The codes match.</span>}
      {state === "mismatch" && (
        <span class="error small" role="alert">
          The codes do not match: do not mark them as verified.
        </span>
      )}
      {state === "failed" && <span class="muted small">No code was read. Compare the numbers instead.</span>}
    </div>
  );
}

/** Compare the safety number with `userId`, see both people's devices, mark them verified on this device. */
export function VerificationDialog({ userId, onClose }: { userId: string; onClose: () => void }) {
  const { me } = useAppState();
  const name = usePersonName(userId);
  const [mine, setMine] = useState<ListedDevice[] | null>(null);
  const [theirs, setTheirs] = useState<ContactCheck | null>(null);
  const [digits, setDigits] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    if (!me) return;
    const [own, contact] = await Promise.all([devicesOf(me.id), checkContact(me.id, userId)]);
    setMine(own);
    setTheirs(contact);
    setDigits(
      own.length > 0 && contact.devices.length > 0 ? await safetyNumberWith({ id: me.id, devices: own }, { id: userId, devices: contact.devices }) : null,
    );
  };
  useEffect(() => {
    void load().catch((caught) => setError(problemText(caught, "Could not load the devices. Try again.")));
    return onTrustChanged(() => void load().catch(() => undefined));
  }, [userId, me?.id]);
  const act = (work: () => Promise<void>) => async () => {
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(problemText(caught, "That did not work. Try again."));
    }
  };
  const status = theirs?.status;
  const change = theirs?.record.change;
  return (
    <ModalDialog class="dialog security verification" labelledBy="verification-title" testId="verification" onClose={onClose}>
      <div class="row between">
        <h2 id="verification-title">Verify {name}</h2>
        {status && <TrustTag status={status} />}
      </div>
      {change && (
        <p class="banner warning" role="status" data-testid="device-change">
          {name} has {change.added.length === 1 ? "a new device" : `${change.added.length} new devices`} since you last checked ({dayOf(change.at)}). If you did
          not expect it, ask them before you share anything private, then compare the numbers again.
        </p>
      )}
      <p>
        Compare these numbers with {name}, side by side or on a call where you recognise each other. If they are the same on both screens, your encrypted chats
        can be read only on your devices and theirs, not by the server or anyone else.
      </p>
      {digits ? (
        <SafetyNumber digits={digits} name={name} />
      ) : (
        theirs &&
        mine && (
          <p class="muted small" data-testid="no-safety-number">
            {theirs.devices.length === 0
              ? `${name} has not used encrypted chats on any device yet, so there is nothing to compare.`
              : "You have no device with encryption keys yet: open an encrypted chat on this browser first."}
          </p>
        )
      )}
      {digits && <ScanCode digits={digits} onMatch={() => undefined} />}
      <h3>{name}'s devices</h3>
      {theirs && <DeviceList devices={theirs.devices} label={`${name}'s devices`} empty="No devices with encryption keys." />}
      <h3>Your devices</h3>
      {mine && <DeviceList devices={mine} label="Your devices" empty="No devices with encryption keys yet." />}
      <ProblemNote text={error} />
      <div class="row end dialog-actions">
        {me && theirs && change && (
          <button type="button" class="secondary" onClick={act(() => reviewChange(me.id, userId, theirs.devices))}>
            I've seen the change
          </button>
        )}
        {me && theirs && status === "verified" && (
          <button type="button" class="secondary" onClick={act(() => unverifyContact(me.id, userId))}>
            Remove verification
          </button>
        )}
        {me && theirs && digits && status !== "verified" && (
          <button type="button" class="primary" onClick={act(() => verifyContact(me.id, userId, theirs.devices))}>
            They match: mark as verified
          </button>
        )}
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

/** The contacts among `userIds` whose devices changed since this device last looked, each with a way to review. */
export function DeviceChangeNotice({ userIds }: { userIds: readonly string[] }) {
  const { me } = useAppState();
  const [changed, setChanged] = useState<string[]>([]);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const others = [...new Set(userIds)].filter((id) => id !== me?.id);
  const key = others.join(",");
  useEffect(() => {
    if (!me) return;
    const check = async () => {
      const results = await Promise.allSettled(others.map((id) => checkContact(me.id, id)));
      setChanged(
        others.filter((_, i) => results[i]?.status === "fulfilled" && (results[i] as PromiseFulfilledResult<ContactCheck>).value.status === "changed"),
      );
    };
    void check();
    const stop = onTrustChanged(() => void check());
    const onFocus = () => void check();
    addEventListener("focus", onFocus);
    return () => {
      stop();
      removeEventListener("focus", onFocus);
    };
  }, [key, me?.id]);
  if (changed.length === 0 && !reviewing) return null;
  return (
    <div class="device-change-notices">
      {changed.map((userId) => (
        <ChangedContact key={userId} userId={userId} onReview={() => setReviewing(userId)} />
      ))}
      {reviewing && <VerificationDialog userId={reviewing} onClose={() => setReviewing(null)} />}
    </div>
  );
}

function ChangedContact({ userId, onReview }: { userId: string; onReview: () => void }) {
  const name = usePersonName(userId);
  return (
    <div class="banner warning device-change" role="status" data-testid="device-change-notice">
      <span class="grow">
        <strong>{name}'s devices changed.</strong> A new device can read what you send them from now on: check it is theirs.
      </span>
      <button type="button" class="secondary small" onClick={onReview}>
        Review
      </button>
    </div>
  );
}

/** This account's devices with their fingerprints (the account screen). */
export function OwnDevices() {
  const { me } = useAppState();
  const [devices, setDevices] = useState<ListedDevice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!me) return;
    devicesOf(me.id).then(setDevices, (caught) => setError(problemText(caught, "Could not load your devices. Try again.")));
  }, [me?.id]);
  return (
    <section aria-labelledby="e2ee-own-devices" class="e2ee-section">
      <h3 id="e2ee-own-devices">Your devices</h3>
      <p class="muted small">
        Every browser or app you are signed in to that reads encrypted chats is a device with its own key. Signing out ends it. Someone comparing safety numbers
        with you sees these fingerprints.
      </p>
      {devices && <DeviceList devices={devices} label="Your devices" empty="None yet: a browser gets its keys when it first opens an encrypted chat." />}
      <ProblemNote text={error} />
    </section>
  );
}

/** The people this account shares a direct or group chat with (not the general chat's everyone), from the chat list. */
export function usePeopleYouTalkTo(): string[] {
  const { me, chats } = useAppState();
  return [...new Set(chats.flatMap((chat) => (chat.type === "general" ? [] : (chat.memberIds ?? (chat.peer ? [chat.peer.id] : [])))))].filter(
    (id) => id !== me?.id,
  );
}

/** The people you talk to: whether each is verified on this device, and the way to verify them. */
export function PeopleTrust() {
  const { me } = useAppState();
  const contacts = usePeopleYouTalkTo();
  const [checks, setChecks] = useState<Record<string, TrustStatus | "none">>({});
  const [verifying, setVerifying] = useState<string | null>(null);
  const key = contacts.join(",");
  useEffect(() => {
    if (!me) return;
    const load = async () => {
      const results = await Promise.allSettled(contacts.map((id) => checkContact(me.id, id)));
      setChecks(
        Object.fromEntries(
          contacts.map((id, i) => {
            const result = results[i];
            return [id, result?.status === "fulfilled" ? (result.value.devices.length === 0 ? "none" : result.value.status) : "none"];
          }),
        ),
      );
    };
    void load();
    return onTrustChanged(() => void load());
  }, [key, me?.id]);
  return (
    <section aria-labelledby="e2ee-people" class="e2ee-section">
      <h3 id="e2ee-people">People you talk to</h3>
      <p class="muted small">Verify someone by comparing your safety number with theirs. This browser remembers whom you verified.</p>
      <ul class="security-list" aria-label="People you talk to">
        {contacts.length === 0 && <li class="muted small">No chats with anyone yet.</li>}
        {contacts.map((userId) => (
          <PersonTrustRow key={userId} userId={userId} status={checks[userId]} onVerify={() => setVerifying(userId)} />
        ))}
      </ul>
      {verifying && <VerificationDialog userId={verifying} onClose={() => setVerifying(null)} />}
    </section>
  );
}

function PersonTrustRow({ userId, status, onVerify }: { userId: string; status: TrustStatus | "none" | undefined; onVerify: () => void }) {
  const name = usePersonName(userId);
  return (
    <li data-testid="person-trust" data-user-id={userId}>
      <strong class="grow">
        {name}
        {status && status !== "none" && <TrustTag status={status} />}
        {status === "none" && <span class="muted small"> · no encrypted devices yet</span>}
      </strong>
      <button type="button" class="secondary small" onClick={onVerify} aria-label={`Verify ${name}`}>
        Verify
      </button>
    </li>
  );
}
