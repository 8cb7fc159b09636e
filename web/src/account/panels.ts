// The account screen's panels, in the order it shows them. A new panel is a file of this folder
// and one entry here.
import { AppearancePanel } from "./appearance-panel";
import { DataPanel } from "./data-panel";
import { EmailPanel } from "./email-panel";
import { EncryptionPanel } from "./encryption-panel";
import { InvitesPanel } from "./invites-panel";
import { NotificationsPanel } from "./notifications-panel";
import type { AccountPanel } from "./panel";
import { ProfilePanel } from "./profile-panel";
import { ActivityPanel, SecurityPanel } from "./security-panel";

export const accountPanels: AccountPanel[] = [
  { id: "profile", title: "Profile", Panel: ProfilePanel },
  { id: "email", title: "E-mail address", Panel: EmailPanel },
  { id: "security", title: "Sign-in and security", Panel: SecurityPanel },
  { id: "encryption", title: "Encryption and devices", Panel: EncryptionPanel },
  { id: "activity", title: "Apps and recent activity", Panel: ActivityPanel },
  { id: "notifications", title: "Notifications", Panel: NotificationsPanel },
  { id: "appearance", title: "Appearance", Panel: AppearancePanel },
  { id: "invites", title: "Invite links", Panel: InvitesPanel },
  { id: "data", title: "Your data and deleting the account", Panel: DataPanel },
];
