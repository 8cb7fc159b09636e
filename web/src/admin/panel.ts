// One panel of the admin console: its deep link (/app/admin/<id>), its tab label and its screen.
// Each panel is a file of web/src/admin/ and one entry of panels.ts.
import type { JSX } from "hono/jsx/dom/jsx-runtime";

export interface AdminPanel {
  id: string;
  label: string;
  Panel: () => JSX.Element;
}

export const roleWords: Record<string, string> = { user: "Member", moderator: "Moderator", admin: "Administrator" };
