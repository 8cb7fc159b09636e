// One panel of the admin console: its deep link (/app/admin/<id>), its tab label and its screen.
// Each panel is a file of web/src/admin/ and one entry of panels.ts.
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import { dateTime } from "../format";

export interface AdminPanel {
  id: string;
  label: string;
  Panel: () => JSX.Element;
}

/** When something happened, as a person reads it. */
export const when = (iso: string | null): string => (iso ? dateTime(iso) : "never");

export const roleWords: Record<string, string> = { user: "Member", moderator: "Moderator", admin: "Administrator" };
