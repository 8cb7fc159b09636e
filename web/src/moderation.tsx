// The moderators' section (/app/moderation/<tab>): each module that needs a moderator's decision
// adds its tab here, so moderators find every queue in one place.
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import { SectionTabs } from "./section-tabs";
import type { User } from "./store";

export interface ModerationTab {
  id: string;
  label: string;
  Screen: (props: { rest: string[] }) => JSX.Element;
}

export const moderationTabs: ModerationTab[] = [];

export const moderates = (me: User): boolean => me.role === "moderator" || me.role === "admin";

export function ModerationScreen({ rest }: { rest: string[] }) {
  const [tabId, ...tabRest] = rest;
  const tab = moderationTabs.find((t) => t.id === tabId) ?? moderationTabs[0];
  if (!tab) return <section class="empty-state">Nothing to moderate here.</section>;
  return (
    <div class="section-page">
      <header class="section-header">
        <h1>Moderation</h1>
        <SectionTabs label="Moderation queues" tabs={moderationTabs.map((t) => ({ href: `/app/moderation/${t.id}`, label: t.label, current: t === tab }))} />
      </header>
      <tab.Screen rest={tab.id === tabId ? tabRest : []} />
    </div>
  );
}
