// A video's page: the player, its title, owner, views, description and tags; its owner sees the
// status (with a rejection's reason), an Edit link and, once the video is ready, its captions'
// state with "Make captions" / "Try again"; anyone else a Report button.
import { useEffect, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { OwnerCaptions } from "./captions";
import { dayOf, personLabel } from "../format";
import { platform } from "../platform";
import { useAppState } from "../store";
import { useVideoUpdates } from "./live";
import { type Video, views } from "./model";
import { ReportDialog } from "./report-dialog";
import { StatusBadge } from "./status-badge";
import { VideoPlayer } from "./video-player";

/** Statuses in which the video's bytes are ready at the host, so captions can be made. */
const READY = new Set(["moderation", "approved", "rejected"]);

export function VideoPage({ videoId }: { videoId: string }) {
  const { me } = useAppState();
  const [video, setVideo] = useState<Video | null>(null);
  const [missing, setMissing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [captionsVersion, setCaptionsVersion] = useState(0);
  useEffect(() => {
    ok(platform.api.v1.videos[":id"].$get({ param: { id: videoId } })).then(
      (found) => {
        setVideo(found);
        document.title = `${found.title} · Videos`;
      },
      (error: unknown) => error instanceof ProblemError && error.status === 404 && setMissing(true),
    );
  }, [videoId]);
  useVideoUpdates((changed) => changed.id === videoId && setVideo(changed));

  if (missing)
    return (
      <section class="empty-state">
        <h1>No such video</h1>
        <p class="muted">It is private, not published yet, or the link is wrong.</p>
        <a class="button-link" href="/app/videos/browse">
          Browse videos
        </a>
      </section>
    );
  if (!video) return <p class="muted">Loading…</p>;
  const mine = me?.id === video.ownerId;
  return (
    <article class="video-page" data-testid="video-page">
      <a class="back-link" href={mine ? "/app/videos" : "/app/videos/browse"}>
        ← {mine ? "My videos" : "Videos"}
      </a>
      <VideoPlayer video={video} countViews={!mine} captionsVersion={captionsVersion} />
      {mine && READY.has(video.status) && <OwnerCaptions videoId={video.id} onReady={() => setCaptionsVersion((v) => v + 1)} />}
      <header class="row between video-page-header">
        <div>
          <h1>{video.title}</h1>
          <p class="muted small">
            {mine ? "Your video" : `by ${personLabel(video.ownerId, me)}`} · <span data-testid="view-count">{views(video.viewCount)}</span> ·{" "}
            {dayOf(video.createdAt)}
          </p>
        </div>
        <div class="row">
          {mine ? (
            <a class="button-link secondary" href={`/app/videos/${video.id}/edit`}>
              Edit
            </a>
          ) : (
            <button type="button" class="secondary small" onClick={() => setReporting(true)}>
              Report
            </button>
          )}
          {video.isPublic && video.status === "approved" && (
            <a class="link" href={`/v/${video.id}`} target="_blank" rel="noopener">
              Public page
            </a>
          )}
        </div>
      </header>
      {mine && <StatusBadge video={video} />}
      {video.description && <p class="image-description">{video.description}</p>}
      {video.tags.length > 0 && (
        <ul class="tag-list" aria-label="Tags">
          {video.tags.map((tag) => (
            <li key={tag}>
              <a class="tag" href={`/app/videos/browse/tags/${encodeURIComponent(tag)}`}>
                #{tag}
              </a>
            </li>
          ))}
        </ul>
      )}
      {reporting && <ReportDialog videoId={video.id} onClose={() => setReporting(false)} />}
    </article>
  );
}
