// One video in a list: its thumbnail (or a tile), title, and for its owner the status.
import { duration } from "../format";
import { thumbnailOf, type Video, views } from "./model";
import { StatusBadge } from "./status-badge";

export function VideoCard({ video, owner = false }: { video: Video; owner?: boolean }) {
  const thumbnail = thumbnailOf(video);
  return (
    <li class="video-card" data-testid="video-card" data-video-id={video.id}>
      <a class="video-card-link" href={`/app/videos/${video.id}`}>
        <span class="video-thumb">
          {thumbnail ? (
            <img src={thumbnail} alt="" loading="lazy" />
          ) : (
            <span class="video-thumb-tile" aria-hidden="true">
              ▶
            </span>
          )}
          {video.durationSeconds !== null && <span class="video-duration">{duration(video.durationSeconds)}</span>}
        </span>
        <span class="video-card-title">{video.title}</span>
      </a>
      <span class="muted small">
        {views(video.viewCount)} · {new Date(video.createdAt).toLocaleDateString()}
      </span>
      {owner && (
        <>
          <StatusBadge video={video} />
          <a class="link small" href={`/app/videos/${video.id}/edit`} aria-label={`Edit ${video.title}`}>
            Edit
          </a>
        </>
      )}
    </li>
  );
}
