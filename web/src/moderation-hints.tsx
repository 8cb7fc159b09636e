// AI moderation hints beside what moderators review: the model's labels and its one-line reason,
// marked advisory (the moderator decides), and the Pictures tab, which lists the gallery's newest
// pictures with their hints so a moderator can remove one.
import type { InferResponseType } from "hono/client";
import { useState } from "hono/jsx/dom";
import { ok } from "../../client";
import { ConfirmDialog } from "./gallery/confirm-dialog";
import { LoadMore, type Page, usePagedList } from "./gallery/paged-list";
import { ResponsiveImage } from "./gallery/responsive-image";
import { moderationTabs } from "./moderation";
import { platform } from "./platform";

type Api = typeof platform.api;
export type ModerationHint = InferResponseType<Api["v1"]["moderation"]["hints"][":subject"][":id"]["$get"], 200>;
type PictureItem = InferResponseType<Api["v1"]["moderation"]["pictures"]["$get"], 200>["items"][number];

const LABEL_WORDS: Record<ModerationHint["labels"][number]["label"], string> = {
  ok: "nothing wrong",
  nudity: "nudity",
  violence: "violence",
  hate: "hate",
  spam: "spam",
  other: "something else",
};

/** "AI hint: violence (82%), nothing wrong (10%). Reason." — or why there is none yet. */
export function AiHint({ hint }: { hint: ModerationHint | null }) {
  if (!hint) return null;
  const body =
    hint.status === "pending"
      ? "the model is still looking."
      : hint.status === "failed"
        ? "none, the model could not be asked."
        : `${hint.labels.map((l) => `${LABEL_WORDS[l.label]} (${Math.round(l.confidence * 100)}%)`).join(", ")}.${hint.reason ? ` ${hint.reason}` : ""}`;
  const flagged = hint.status === "completed" && hint.labels[0]?.label !== "ok";
  return (
    <aside class={flagged ? "ai-hint flagged" : "ai-hint"} data-testid="ai-hint" aria-label="AI hint, advisory">
      <p class="small">
        <strong>AI hint:</strong> {body}
      </p>
      <p class="muted small">Advisory only: a model's guess, not a decision. You decide.</p>
    </aside>
  );
}

function picturesPage(cursor: string | undefined): Promise<Page<PictureItem>> {
  return ok(platform.api.v1.moderation.pictures.$get({ query: { limit: "20", ...(cursor ? { cursor } : {}) } }));
}

function PictureCard({ item, onRemoved }: { item: PictureItem; onRemoved: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <li class="moderation-card" data-testid="moderation-picture" data-image-id={item.id}>
      <a href={`/app/gallery/images/${item.id}`} class="moderation-picture">
        <ResponsiveImage image={item} sizes="(max-width: 720px) 100vw, 420px" />
      </a>
      <div class="moderation-card-text">
        <h2>{item.title}</h2>
        <p class="muted small">
          by {item.owner.displayName} · published {new Date(item.createdAt).toLocaleString()}
        </p>
        {item.description && <p class="image-description small">{item.description}</p>}
        <AiHint hint={item.aiHint} />
        <div class="row">
          <button type="button" class="secondary small danger-text" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        </div>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Remove this picture?"
          text={`“${item.title}” leaves the gallery, with its likes. This cannot be undone.`}
          confirmLabel="Remove"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await ok(platform.api.v1.images[":id"].$delete({ param: { id: item.id } }));
            onRemoved();
          }}
        />
      )}
    </li>
  );
}

function PicturesTab() {
  const list = usePagedList<PictureItem>("moderation:pictures", picturesPage);
  const [note, setNote] = useState<string | null>(null);
  return (
    <section class="moderation-queue" aria-label="Pictures to look over">
      {note && (
        <p class="banner" role="status">
          {note}
        </p>
      )}
      {list.items.length === 0 && list.done ? (
        <p class="empty-state muted">No pictures in the gallery.</p>
      ) : (
        <ul class="moderation-list">
          {list.items.map((item) => (
            <PictureCard
              key={item.id}
              item={item}
              onRemoved={() => {
                setNote(`“${item.title}” removed.`);
                list.remove((other) => other.id !== item.id);
              }}
            />
          ))}
        </ul>
      )}
      <LoadMore list={list} />
    </section>
  );
}

moderationTabs.push({ id: "pictures", label: "Pictures", Screen: PicturesTab });
