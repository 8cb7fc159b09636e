// The profile dialog the shell opens from the user's name: the profile form, the security page,
// and a link to every account setting (/app/account).
import { useState } from "hono/jsx/dom";
import { AccountSecurity } from "./account-security";
import { ProfileForm } from "./account/profile-panel";
import { navigate } from "./router";

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const [security, setSecurity] = useState(false);
  if (security) return <AccountSecurity onClose={onClose} />;
  const allSettings = () => {
    onClose();
    navigate("/app/account");
  };
  return (
    <div class="dialog-backdrop" onClick={(e: Event) => e.target === e.currentTarget && onClose()}>
      <ProfileForm
        dialogLabel="Your profile"
        title={<h2>Your profile</h2>}
        actions={
          <>
            <button type="button" class="secondary" onClick={allSettings}>
              All settings
            </button>
            <button type="button" class="secondary" onClick={() => setSecurity(true)}>
              Security
            </button>
            <button type="button" class="secondary" onClick={onClose}>
              Close
            </button>
          </>
        }
      />
    </div>
  );
}
