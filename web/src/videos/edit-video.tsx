// The owner's settings of a video: title, description, tags, visibility and schedule, the thumbnail
// (a frame or a picture), archive and delete. After approval, changes to what the video shows wait
// for a moderator while viewers keep the approved version; the page says so.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { ConfirmDialog } from "../gallery/confirm-dialog";
import { parseTags } from "../gallery/model";
import { platform } from "../platform";
import { navigate } from "../router";
import { useVideoUpdates } from "./live";
import { thumbnailOf, type Video } from "./model";
import { StatusBadge } from "./status-badge";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

/** An ISO instant as a datetime-local input shows it (local time, minutes). */
function localInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

type Edit = {
  title?: string;
  description?: string | null;
  tags?: string[];
  isPublic?: boolean;
  publishAt?: string | null;
  thumbnailTimestampPct?: number;
  thumbnailFileId?: string | null;
};

export function EditVideo({ videoId }: { videoId: string }) {
  const [video, setVideo] = useState<Video | null>(null);
  const [missing, setMissing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [framePct, setFramePct] = useState(50);
  const [confirming, setConfirming] = useState(false);
  const picker = useRef<HTMLInputElement | null>(null);

  useEffect(() => {
    ok(platform.api.v1.videos[":id"].$get({ param: { id: videoId } })).then(
      (found) => {
        setVideo(found);
        document.title = `Edit ${found.title} · Videos`;
      },
      (caught: unknown) => caught instanceof ProblemError && caught.status === 404 && setMissing(true),
    );
  }, [videoId]);
  useVideoUpdates((changed) => changed.id === videoId && setVideo(changed));

  if (missing)
    return (
      <section class="empty-state">
        <h1>No such video</h1>
        <a class="button-link" href="/app/videos">
          My videos
        </a>
      </section>
    );
  if (!video) return <p class="muted">Loading…</p>;

  const apply = async (edit: Edit, done: string) => {
    setSaving(true);
    setError(null);
    try {
      const changed = await ok(platform.api.v1.videos[":id"].$patch({ param: { id: video.id }, json: edit }));
      setVideo(changed);
      setNotice(changed.revision ? `${done} A moderator reviews the changes; viewers see the approved version until then.` : done);
    } catch (caught) {
      setError(problemText(caught, "Could not save."));
    } finally {
      setSaving(false);
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const shown: Partial<NonNullable<Video["revision"]>> = video.revision ?? {};
    const title = String(data.get("title") ?? "").trim();
    const description = String(data.get("description") ?? "").trim() || null;
    const tags = parseTags(String(data.get("tags") ?? ""));
    const isPublic = data.get("isPublic") === "on";
    const when = String(data.get("publishAt") ?? "");
    const publishAt = when ? new Date(when).toISOString() : null;
    // Only what changed goes out: an unchanged title must not become a revision of an approved video.
    const edit: Edit = {};
    if (title !== (shown.title ?? video.title)) edit.title = title;
    if (description !== ((shown.description !== undefined ? shown.description : video.description) ?? null)) edit.description = description;
    if (tags.join(",") !== (shown.tags ?? video.tags).join(",")) edit.tags = tags;
    if (isPublic !== video.isPublic) edit.isPublic = isPublic;
    if (localInput(publishAt) !== localInput(video.publishAt)) edit.publishAt = publishAt;
    if (Object.keys(edit).length === 0) {
      setNotice("Nothing changed.");
      return;
    }
    void apply(edit, "Saved.");
  };

  const sendThumbnail = async (file: File) => {
    setSaving(true);
    try {
      const stored = await platform.uploadFile(file, { purpose: "video-thumbnail", name: file.name });
      await apply({ thumbnailFileId: stored.id }, "Thumbnail changed.");
    } catch (caught) {
      setError(caught instanceof ProblemError && caught.status === 415 ? "That file is not a picture." : "Could not use that picture");
      setSaving(false);
    }
  };

  const archive = async () => {
    setSaving(true);
    try {
      const param = { param: { id: video.id } };
      const changed = await ok(video.archived ? platform.api.v1.videos[":id"].unarchive.$post(param) : platform.api.v1.videos[":id"].archive.$post(param));
      setVideo(changed);
      setNotice(changed.archived ? "Archived: only you see it now." : "Back from the archive.");
    } catch (caught) {
      setError(problemText(caught, "Could not change that."));
    } finally {
      setSaving(false);
    }
  };

  const shown = { ...video, ...(video.revision ?? {}) };
  const thumbnail = thumbnailOf(video.revision?.thumbnailUrl ? { thumbnailUrl: video.revision.thumbnailUrl } : video);
  return (
    <div class="edit-video" data-testid="edit-video">
      <a class="back-link" href={`/app/videos/${video.id}`}>
        ← Back to the video
      </a>
      <header class="section-header">
        <h1>Edit “{video.title}”</h1>
      </header>
      <StatusBadge video={video} />
      <form class="edit-video-form" onSubmit={save} key={`${video.id}-${video.updatedAt}`}>
        <label>
          Title
          <input name="title" required maxlength={200} value={shown.title} />
        </label>
        <label>
          Description
          <textarea name="description" rows={4} maxlength={5000}>
            {shown.description ?? ""}
          </textarea>
        </label>
        <label>
          Tags
          <input name="tags" value={(shown.tags ?? video.tags).join(", ")} placeholder="travel, sea" />
        </label>
        <label class="checkbox">
          <input type="checkbox" name="isPublic" checked={video.isPublic} />
          Public (others see it once approved)
        </label>
        <label>
          Publish from (empty: as soon as it is approved)
          <input type="datetime-local" name="publishAt" value={localInput(video.publishAt)} />
        </label>
        <div class="row end">
          <button type="submit" class="primary" disabled={saving}>
            Save changes
          </button>
        </div>
      </form>
      <section class="edit-video-thumbnail" aria-label="Thumbnail">
        <h2>Thumbnail</h2>
        {thumbnail ? <img src={thumbnail} alt={`Thumbnail of ${video.title}`} class="thumbnail-preview" /> : <p class="muted small">Stream's frame is used.</p>}
        <label>
          A frame at {framePct}% of the video
          <input type="range" min={0} max={100} value={framePct} onInput={(e: Event) => setFramePct(Number((e.target as HTMLInputElement).value))} />
        </label>
        <div class="row wrap">
          <button
            type="button"
            class="secondary small"
            disabled={saving || video.durationSeconds === null}
            onClick={() => void apply({ thumbnailTimestampPct: framePct / 100 }, "Thumbnail frame chosen.")}
          >
            Use this frame
          </button>
          <button type="button" class="secondary small" disabled={saving} onClick={() => picker.current?.click()}>
            Upload a picture
          </button>
          {video.thumbnailUrl?.startsWith("/") && (
            <button type="button" class="link" disabled={saving} onClick={() => void apply({ thumbnailFileId: null }, "Back to Stream's thumbnail.")}>
              Use Stream's
            </button>
          )}
          <input
            ref={picker}
            type="file"
            accept="image/*"
            hidden
            onChange={(e: Event) => {
              const input = e.target as HTMLInputElement;
              const file = input.files?.[0];
              if (file) void sendThumbnail(file);
              input.value = "";
            }}
          />
        </div>
      </section>
      {notice && (
        <p class="banner" role="status">
          {notice}
        </p>
      )}
      <ProblemNote text={error} />
      <section class="edit-video-danger" aria-label="Archive or delete">
        <button type="button" class="secondary" disabled={saving} onClick={() => void archive()}>
          {video.archived ? "Unarchive" : "Archive"}
        </button>
        <button type="button" class="secondary danger-text" onClick={() => setConfirming(true)}>
          Delete video
        </button>
      </section>
      {confirming && (
        <ConfirmDialog
          title="Delete this video?"
          text={`“${video.title}” is removed for good, at Stream too, with its views and reports.`}
          confirmLabel="Delete"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await ok(platform.api.v1.videos[":id"].$delete({ param: { id: video.id } }));
            navigate("/app/videos");
          }}
        />
      )}
    </div>
  );
}
