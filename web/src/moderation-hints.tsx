// AI moderation hints beside what moderators review: the model's labels and its one-line reason,
// marked advisory (the moderator decides), and the Pictures tab, which lists the gallery's newest
// pictures with their hints (all of them, or only those a hint flags that nobody kept yet) so a
// moderator can remove one, or keep it when the hint was wrong.
import type { InferResponseType } from "hono/client";
import { useState } from "hono/jsx/dom";
import { ok } from "../../client";
import { ConfirmDialog } from "./gallery/confirm-dialog";
import { LoadMore, type Page, usePagedList } from "./gallery/paged-list";
import { ResponsiveImage } from "./gallery/responsive-image";
import { moderationTabs } from "./moderation";
import { platform } from "./platform";
import { problemText } from "./problem-text";
import { SectionTabs } from "./section-tabs";
import { dateTime } from "./format";
import { ProblemNote } from "./problem-note";

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
        : hint.labels.length === 0
          ? "none."
          : `${hint.labels.map((l) => `${LABEL_WORDS[l.label]} (${Math.round(l.confidence * 100)}%)`).join(", ")}.${hint.reason ? ` ${hint.reason}` : ""}`;
  const flagged = hint.status === "completed" && hint.labels[0]?.label !== "ok";
  return (
    <aside class={flagged ? "ai-hint flagged" : "ai-hint"} data-testid="ai-hint" aria-label="AI hint, advisory">
      <p class="small">
        <strong>AI hint:</strong> {body}
      </p>
      {hint.status === "kept" ? (
        <p class="muted small">A moderator kept it: the hint was wrong.</p>
      ) : (
        <p class="muted small">Advisory only: a model's guess, not a decision. You decide.</p>
      )}
    </aside>
  );
}

/** A hint a moderator can keep the item against: the model answered (or could not), and nobody kept it yet. */
const keepable = (hint: ModerationHint | null): hint is ModerationHint => hint?.status === "completed" || hint?.status === "failed";

function picturesPage(flaggedOnly: boolean, cursor: string | undefined): Promise<Page<PictureItem>> {
  return ok(
    platform.api.v1.moderation.pictures.$get({ query: { limit: "20", ...(flaggedOnly ? { hint: "open" as const } : {}), ...(cursor ? { cursor } : {}) } }),
  );
}

function PictureCard({ item, onRemoved, onKept }: { item: PictureItem; onRemoved: () => void; onKept: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [hint, setHint] = useState(item.aiHint);
  const [keeping, setKeeping] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keep = async () => {
    setKeeping(true);
    setError(null);
    try {
      setHint(await ok(platform.api.v1.moderation.hints[":subject"][":id"].keep.$post({ param: { subject: "image", id: item.id } })));
      onKept();
    } catch (caught) {
      setError(problemText(caught, "The picture could not be kept."));
    }
    setKeeping(false);
  };
  return (
    <li class="moderation-card" data-testid="moderation-picture" data-image-id={item.id}>
      <a href={`/app/gallery/images/${item.id}`} class="moderation-picture">
        <ResponsiveImage image={item} sizes="(max-width: 720px) 100vw, 420px" />
      </a>
      <div class="moderation-card-text">
        <h2>{item.title}</h2>
        <p class="muted small">
          by {item.owner.displayName} · published {dateTime(item.createdAt)}
        </p>
        {item.description && <p class="image-description small">{item.description}</p>}
        <AiHint hint={hint} />
        <div class="row">
          {keepable(hint) && (
            <button type="button" class="secondary small" disabled={keeping} onClick={() => void keep()}>
              Keep
            </button>
          )}
          <button type="button" class="secondary small danger-text" onClick={() => setConfirming(true)}>
            Remove…
          </button>
        </div>
        <ProblemNote text={error} />
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

const VIEWS = [
  { id: "all", path: "/app/moderation/pictures", label: "All pictures", empty: "No pictures in the gallery." },
  { id: "flagged", path: "/app/moderation/pictures/flagged", label: "Flagged by the AI", empty: "No picture waits: the AI flagged none that nobody kept." },
] as const;

function PicturesTab({ rest }: { rest: string[] }) {
  const view = VIEWS.find((v) => v.id === rest[0]) ?? VIEWS[0];
  return (
    <div class="stack">
      <SectionTabs label="Which pictures" tabs={VIEWS.map((v) => ({ href: v.path, label: v.label, current: v === view }))} />
      <PictureList key={view.id} flaggedOnly={view.id === "flagged"} empty={view.empty} />
    </div>
  );
}

function PictureList({ flaggedOnly, empty }: { flaggedOnly: boolean; empty: string }) {
  const list = usePagedList<PictureItem>(`moderation:pictures:${flaggedOnly ? "flagged" : "all"}`, (cursor) => picturesPage(flaggedOnly, cursor));
  const [note, setNote] = useState<string | null>(null);
  return (
    <section class="moderation-queue" aria-label="Pictures to look over">
      {note && (
        <p class="banner" role="status">
          {note}
        </p>
      )}
      {list.items.length === 0 && list.done ? (
        <p class="empty-state muted">{empty}</p>
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
              onKept={() => {
                setNote(`“${item.title}” kept: the AI hint is marked wrong, and the picture stays.`);
                // Kept, it is no longer flagged: it leaves that view; the full list shows it kept.
                if (flaggedOnly) list.remove((other) => other.id !== item.id);
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
