// The first-run panel: what the app holds, notifications, inviting family. Shown once per account on
// this device until dismissed (the choice is kept in localStorage under the user's id).
import { type Child, useState } from "hono/jsx/dom";
import { PRODUCT_NAME } from "./product";
import { useAppState } from "./store";

const dismissedKey = (userId: string) => `edge-platform.first-run-done.${userId}`;

/** The panel around `notifications` (the shell's one notifications control), or that control alone once dismissed. */
export function FirstRunPanel({ onInvite, children: notifications }: { onInvite: () => void; children: Child }) {
  const { me } = useAppState();
  const [dismissed, setDismissed] = useState(() => (me ? localStorage.getItem(dismissedKey(me.id)) !== null : true));
  if (!me || dismissed) return <>{notifications}</>;
  const dismiss = () => {
    localStorage.setItem(dismissedKey(me.id), new Date().toISOString());
    setDismissed(true);
  };
  return (
    <section class="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">Welcome to {PRODUCT_NAME}</h2>
      <p class="small">Your family's chats, voice messages, photos and calls, in one place.</p>
      <ul class="first-run-steps">
        <li class="first-run-notifications">{notifications}</li>
        <li>
          <span class="small">Bring your family in with an invite link.</span>
          <button type="button" class="secondary small" onClick={onInvite}>
            Invite family
          </button>
        </li>
      </ul>
      <button type="button" class="primary small" onClick={dismiss}>
        Got it
      </button>
    </section>
  );
}
