// The moderators' video tabs (/app/moderation/videos, /app/moderation/reports): the queue of new
// videos and of owners' changes to approved ones, and the reported videos; each decision with a
// reason where it takes one, and the video's audit trail beside it.
import type { InferResponseType } from "hono/client";
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { dateTime, personLabel } from "../format";
import { LoadMore, type Page, usePagedList } from "../gallery/paged-list";
import { moderationTabs } from "../moderation";
import { AiHint } from "../moderation-hints";
import { platform } from "../platform";
import { useAppState } from "../store";
import { VideoPlayer } from "./video-player";
import { problemText } from "../problem-text";
import { SectionTabs } from "../section-tabs";
import { ProblemNote } from "../problem-note";

type Api = typeof platform.api;
type QueueItem = InferResponseType<Api["v1"]["moderation"]["videos"]["$get"], 200>["items"][number];
type HistoryEntry = InferResponseType<Api["v1"]["moderation"]["videos"][":id"]["history"]["$get"], 200>["items"][number];
type Queue = "new" | "changes" | "rejected" | "reported";

function queuePage(queue: Queue, cursor: string | undefined): Promise<Page<QueueItem>> {
  const filter =
    queue === "changes"
      ? { revision: "true" as const }
      : queue === "reported"
        ? { reported: "true" as const }
        : queue === "rejected"
          ? { status: "rejected" as const }
          : {};
  return ok(platform.api.v1.moderation.videos.$get({ query: { limit: "20", ...filter, ...(cursor ? { cursor } : {}) } }));
}

const EVENT_LABELS: Record<string, string> = {
  "video.archived": "Archived by the owner",
  "video.unarchived": "Unarchived by the owner",
  "video.hidden_by_reports": "Hidden by reports",
  "video.reviewed": "Reports reviewed",
  "video.revision_approved": "Changes approved",
  "video.revision_rejected": "Changes rejected",
  "video.published": "Published on schedule",
  "video.deleted": "Deleted",
};

const STATUS_WORDS: Record<string, string> = {
  uploading: "uploading",
  processing: "processing",
  moderation: "waiting for review",
  approved: "approved",
  rejected: "rejected",
  failed: "failed",
};

function actorName(by: string | null, me: ReturnType<typeof useAppState>["me"]): string {
  if (by === null) return "Someone";
  if (by === "stream" || by === "check") return "Stream";
  if (by === "cron") return "The scheduler";
  return personLabel(by, me);
}

/** The audit trail of one video, asked for when opened. */
function History({ videoId }: { videoId: string }) {
  const { me } = useAppState();
  const [items, setItems] = useState<HistoryEntry[] | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () => {
    if (items || failed) return;
    ok(platform.api.v1.moderation.videos[":id"].history.$get({ param: { id: videoId } })).then(
      (trail) => setItems(trail.items),
      () => setFailed(true),
    );
  };
  return (
    <details class="video-history" onToggle={(e: Event) => (e.target as HTMLDetailsElement).open && load()}>
      <summary>History</summary>
      {failed ? (
        <p class="error small">Could not load the history.</p>
      ) : !items ? (
        <p class="muted small">Loading…</p>
      ) : (
        <ol class="history-list" data-testid="video-history">
          {items.map((entry) => (
            <li key={entry.id}>
              <time class="muted small" dateTime={entry.at}>
                {dateTime(entry.at)}
              </time>{" "}
              <strong>{actorName(entry.by, me)}</strong>{" "}
              {entry.type === "video.status_changed" ? `moved it to ${STATUS_WORDS[entry.to ?? ""] ?? entry.to}` : (EVENT_LABELS[entry.type] ?? entry.type)}
              {entry.reason && <span class="history-reason">: {entry.reason}</span>}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

const CATEGORY_WORDS: Record<string, string> = {
  spam: "Spam",
  abuse: "Harassment or abuse",
  sexual: "Sexual content",
  violence: "Violence",
  copyright: "Copyright",
  misleading: "Misleading",
  other: "Something else",
};

function ModerationCard({ item, queue, onDecided }: { item: QueueItem; queue: Queue; onDecided: (note: string) => void }) {
  const { me } = useAppState();
  const [rejecting, setRejecting] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const revision = queue === "changes" ? item.revision : null;
  const id = { param: { id: item.id } };

  const decide = async (action: "approve" | "reject", reason?: string) => {
    setWorking(true);
    setError(null);
    try {
      if (revision) {
        if (action === "approve") await ok(platform.api.v1.videos[":id"].revision.approve.$post({ ...id, json: { revisionId: revision.id } }));
        else await ok(platform.api.v1.videos[":id"].revision.reject.$post({ ...id, json: { revisionId: revision.id, reason: reason! } }));
      } else if (action === "approve") await ok(platform.api.v1.videos[":id"].approve.$post(id));
      else await ok(platform.api.v1.videos[":id"].reject.$post({ ...id, json: { reason: reason! } }));
      onDecided(`“${item.title}” ${action === "approve" ? (queue === "reported" ? "kept" : "approved") : "rejected"}.`);
    } catch (caught) {
      setError(problemText(caught, "That did not work."));
      setWorking(false);
    }
  };

  const reject = (event: Event) => {
    event.preventDefault();
    const reason = String(new FormData(event.target as HTMLFormElement).get("reason") ?? "").trim();
    if (reason) void decide("reject", reason);
  };

  return (
    <li class="moderation-card" data-testid="moderation-item" data-video-id={item.id}>
      <VideoPlayer video={item} countViews={false} />
      <div class="moderation-card-text">
        <h2>{revision?.title ?? item.title}</h2>
        <p class="muted small">
          by {personLabel(item.ownerId, me)} · uploaded {dateTime(item.createdAt)}
          {item.reportCount > 0 && ` · ${item.reportCount} report${item.reportCount === 1 ? "" : "s"}`}
        </p>
        {revision && (
          <p class="small">
            Proposed changes:{" "}
            {[
              revision.title !== undefined && "title",
              revision.description !== undefined && "description",
              revision.tags && "tags",
              (revision.thumbnailFileId !== undefined || revision.thumbnailTimestampPct !== undefined) && "thumbnail",
            ]
              .filter(Boolean)
              .join(", ")}
            {revision.title !== undefined && ` (was “${item.title}”)`}
          </p>
        )}
        {(revision?.description ?? item.description) && <p class="image-description small">{revision?.description ?? item.description}</p>}
        {queue === "reported" && item.reports.length > 0 && (
          <ul class="report-list" aria-label="Reports">
            {item.reports.map((report) => (
              <li key={report.id}>
                <strong>{CATEGORY_WORDS[report.category] ?? report.category}</strong> from {personLabel(report.userId, me)}
                {!report.countsToHide && <span class="muted small"> (does not count toward hiding)</span>}
                {report.text && <span>: {report.text}</span>}
              </li>
            ))}
          </ul>
        )}
        <AiHint hint={item.aiHint} />
        {item.hiddenByReports && <p class="status-reason">Hidden by reports until you decide.</p>}
        {queue === "rejected" && item.rejectionReason && (
          <p class="status-reason">
            Rejected: {item.rejectionReason}
            {item.updatedAt > item.createdAt && <span> · changed by the owner {dateTime(item.updatedAt)}</span>}
          </p>
        )}
        <div class="row">
          <button type="button" class="primary small" disabled={working} onClick={() => void decide("approve")}>
            {queue === "reported" ? "Keep the video" : queue === "rejected" ? "Approve after all" : "Approve"}
          </button>
          {queue !== "rejected" && (
            <button
              type="button"
              class="secondary small danger-text"
              disabled={working}
              onClick={() => setRejecting(!rejecting)}
              aria-expanded={rejecting ? "true" : "false"}
            >
              Reject…
            </button>
          )}
        </div>
        {rejecting && (
          <form class="reject-form" onSubmit={reject}>
            <label>
              Reason (the owner sees it)
              <textarea name="reason" rows={2} required maxlength={1000} />
            </label>
            <div class="row end">
              <button type="submit" class="primary small danger" disabled={working}>
                Reject
              </button>
            </div>
          </form>
        )}
        <ProblemNote text={error} />
        <History videoId={item.id} />
      </div>
    </li>
  );
}

function QueueScreen({ queue, empty }: { queue: Queue; empty: string }) {
  const list = usePagedList<QueueItem>(`moderation:${queue}`, (cursor) => queuePage(queue, cursor));
  const [note, setNote] = useState<string | null>(null);
  return (
    <section class="moderation-queue" aria-label={queue === "reported" ? "Reported videos" : "Videos to review"}>
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
            <ModerationCard
              key={item.id}
              item={item}
              queue={queue}
              onDecided={(text) => {
                setNote(text);
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

const QUEUES = [
  { queue: "new", path: "/app/moderation/videos", label: "New videos", empty: "No videos wait for review." },
  { queue: "changes", path: "/app/moderation/videos/changes", label: "Changed videos", empty: "No changes wait for review." },
  { queue: "rejected", path: "/app/moderation/videos/rejected", label: "Rejected", empty: "No rejected videos." },
] as const;

function VideoQueueTab({ rest }: { rest: string[] }) {
  const current = QUEUES.find((q) => q.queue === rest[0]) ?? QUEUES[0];
  return (
    <div class="stack">
      <SectionTabs label="Video queues" tabs={QUEUES.map((q) => ({ href: q.path, label: q.label, current: q === current }))} />
      <QueueScreen key={current.queue} queue={current.queue} empty={current.empty} />
    </div>
  );
}

function ReportsTab() {
  return <QueueScreen queue="reported" empty="No reported videos." />;
}

moderationTabs.push({ id: "videos", label: "Videos", Screen: VideoQueueTab }, { id: "reports", label: "Reports", Screen: ReportsTab });
