// The profile dialog the shell opens from the user's name: the profile form, the security page,
// encryption and devices, and a link to every account setting (/app/account). PersonDialog is
// another person's: their card and verifying them (docs/e2ee.md, "Verification").
import { useEffect, useState } from "hono/jsx/dom";
import { AccountSecurity } from "./account-security";
import { ProfileForm } from "./account/profile-panel";
import { Avatar } from "./chat-list";
import { TrustTag, VerificationDialog } from "./e2ee/verification";
import { checkContact } from "./e2ee/verification-store";
import type { TrustStatus } from "./e2ee/verification-state";
import { lookUpPerson } from "./people";
import { navigate } from "./router";
import { useAppState } from "./store";
import { ModalDialog } from "./modal-dialog";

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const [security, setSecurity] = useState(false);
  if (security) return <AccountSecurity onClose={onClose} />;
  const go = (path: string) => () => {
    onClose();
    navigate(path);
  };
  const allSettings = go("/app/account");
  return (
    <ProfileForm
      dialog={{ label: "Your profile", onClose }}
      title={<h2>Your profile</h2>}
      more={
        <>
          <button type="button" class="link" onClick={() => setSecurity(true)}>
            Security
          </button>
          <button type="button" class="link" onClick={go("/app/account/encryption")}>
            Encryption and devices
          </button>
          <button type="button" class="link" onClick={allSettings}>
            All settings
          </button>
        </>
      }
      actions={
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      }
    />
  );
}

/** Another person's card, and the way to verify them: their devices and the safety number you share. */
export function PersonDialog({ userId, onClose }: { userId: string; onClose: () => void }) {
  const { me, people } = useAppState();
  const [verifying, setVerifying] = useState(false);
  const [status, setStatus] = useState<TrustStatus | null>(null);
  useEffect(() => lookUpPerson(userId), [userId]);
  useEffect(() => {
    if (me)
      checkContact(me.id, userId).then(
        (check) => setStatus(check.devices.length > 0 ? check.status : null),
        () => setStatus(null),
      );
  }, [userId, me?.id, verifying]);
  if (verifying) return <VerificationDialog userId={userId} onClose={() => setVerifying(false)} />;
  const person = people[userId];
  const name = person ? person.displayName : person === null ? "A deleted account" : "…";
  return (
    <ModalDialog class="dialog person-dialog" label={name} testId="person-dialog" onClose={onClose}>
      <div class="row">
        <Avatar label={name} colourKey={userId} size={56} src={person?.avatarUrl ?? null} />
        <h2 class="grow">{name}</h2>
        {status && <TrustTag status={status} />}
      </div>
      <p class="muted small">Compare your safety number with {name} to be sure your encrypted chats reach their devices and nobody else's.</p>
      <div class="row end">
        <button type="button" class="primary" onClick={() => setVerifying(true)}>
          Verify {name}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
