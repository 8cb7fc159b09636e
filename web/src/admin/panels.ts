// The admin console's panels, in the order its tabs show them. A new panel is a file of this
// folder and one entry here.
import { AuditPanel } from "./audit-panel";
import { HealthPanel } from "./health-panel";
import { InvitesPanel } from "./invites-panel";
import { ModerationPanel } from "./moderation-panel";
import { OAuthClientsPanel } from "./oauth-clients-panel";
import type { AdminPanel } from "./panel";
import { UsersPanel } from "./users-panel";

export const adminPanels: AdminPanel[] = [
  { id: "users", label: "Users", Panel: UsersPanel },
  { id: "invites", label: "Invites", Panel: InvitesPanel },
  { id: "apps", label: "Sign-in apps", Panel: OAuthClientsPanel },
  { id: "audit", label: "Audit log", Panel: AuditPanel },
  { id: "moderation", label: "Moderation", Panel: ModerationPanel },
  { id: "health", label: "Health", Panel: HealthPanel },
];
