// Signing in: where you are signed in (and signing out everywhere), two-step verification,
// passkeys, the phone number and the password; the apps you signed in to and what happened on the account.
import { PhonePanel } from "./phone-panel";
import { ChangePassword, ConnectedApps, Passkeys, SecurityEvents, Sessions, TwoStep } from "../account-security";

export function SecurityPanel() {
  return (
    <div class="stack">
      <Sessions />
      <TwoStep />
      <Passkeys />
      <PhonePanel />
      <ChangePassword />
    </div>
  );
}

export function ActivityPanel() {
  return (
    <div class="stack">
      <ConnectedApps />
      <SecurityEvents />
    </div>
  );
}
