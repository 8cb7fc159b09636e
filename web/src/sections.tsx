// The app's sections, in the order the navigation shows them. Chats and Calls share the chat
// list's layout (main.tsx); every other section is a screen that gets the rest of its path
// (/app/<id>/<rest...>) and parses it itself, so its deep links survive a reload.
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import { AccountScreen } from "./account/account-screen";
import { AdminScreen } from "./admin/admin-screen";
import { GalleryScreen } from "./gallery/gallery-screen";
import { JobsScreen } from "./jobs/jobs-screen";
import "./jobs/moderation-companies";
import { ModerationScreen, moderates, moderationTabs } from "./moderation";
import "./videos/moderation-tabs";
import "./studio/moderation-studio";
import "./moderation-hints";
import { VideosScreen } from "./videos/videos-screen";
import type { User } from "./store";
import { StudioScreen } from "./studio/studio-screen";

export interface Section {
  id: string;
  label: string;
  /** A 24x24 outline icon's path data. */
  icon: string;
  /** Absent for the sections drawn by the shell itself (chats, calls). */
  Screen?: (props: { rest: string[] }) => JSX.Element;
  /** Only some people see the section (moderators, ...); everyone when absent. */
  visibleTo?: (me: User) => boolean;
}

export const sections: Section[] = [
  { id: "chats", label: "Chats", icon: "M4 5h16v11H8l-4 4z" },
  { id: "calls", label: "Calls", icon: "M6 3h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z" },
  { id: "gallery", label: "Gallery", icon: "M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9.5h.01", Screen: GalleryScreen },
  { id: "studio", label: "Studio", icon: "M4 4h7v7H4zM13 4h7v7h-7zM4 13h7v7H4zM13 16.5h7M16.5 13v7", Screen: StudioScreen },
  { id: "videos", label: "Videos", icon: "M3 6h13v12H3z M16 10l5-3v10l-5-3", Screen: VideosScreen },
  { id: "jobs", label: "Jobs", icon: "M4 8h16v11H4zM9 8V5h6v3M4 13h16", Screen: JobsScreen },
  {
    id: "moderation",
    label: "Moderation",
    icon: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z",
    Screen: ModerationScreen,
    visibleTo: (me) => moderates(me) && moderationTabs.length > 0,
  },
  {
    id: "admin",
    label: "Admin",
    icon: "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-1-3-2 .3-1.5-1.5.3-2-3-1-1 2h-2l-1-2-3 1 .3 2L6.6 7.3 4.6 7l-1 3 2 1v2l-2 1 1 3 2-.3 1.5 1.5-.3 2 3 1 1-2h2l1 2 3-1-.3-2 1.5-1.5 2 .3 1-3-2-1z",
    Screen: AdminScreen,
    visibleTo: (me) => me.role === "admin",
  },
  { id: "account", label: "Account", icon: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 20a8 8 0 0 1 16 0", Screen: AccountScreen },
];

export function NavIcon({ path }: { path: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="22"
      height="22"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      stroke-width="1.8"
      stroke-linejoin="round"
      stroke-linecap="round"
    >
      <path d={path} />
    </svg>
  );
}
