// The moderation queues already built (the Moderation section, web/src/moderation.tsx): one link
// each, so an admin reaches every queue from the console.
import { moderationTabs } from "../moderation";

export function ModerationPanel() {
  if (moderationTabs.length === 0) return <p class="muted">This deployment has no moderation queues.</p>;
  return (
    <div class="stack">
      <p class="muted small">Moderators and administrators decide here on what people reported or asked to be checked.</p>
      <ul class="security-list moderation-queues">
        {moderationTabs.map((tab) => (
          <li key={tab.id} data-testid="moderation-queue">
            <div class="grow">
              <strong>{tab.label}</strong>
            </div>
            <a class="button-link secondary small" href={`/app/moderation/${tab.id}`}>
              Open the {tab.label.toLowerCase()} queue
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
