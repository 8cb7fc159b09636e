// One video in a list: its thumbnail (or a tile) with its length, title, author, views and date,
// and for its owner the status.
import { useEffect } from "hono/jsx/dom";
import { dayOf, duration } from "../format";
import { lookUpPerson } from "../people";
import { useAppState } from "../store";
import { thumbnailOf, type Video, views } from "./model";
import { StatusBadge } from "./status-badge";

export function VideoCard({ video, owner = false }: { video: Video; owner?: boolean }) {
  const thumbnail = thumbnailOf(video);
  const { me, people } = useAppState();
  useEffect(() => {
    if (!owner && video.ownerId !== me?.id) lookUpPerson(video.ownerId);
  }, [video.ownerId]);
  const author = video.ownerId === me?.id ? "You" : people[video.ownerId]?.displayName;
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
      {!owner && (
        <span class="video-card-author small" data-testid="video-author">
          {author ?? "…"}
        </span>
      )}
      <span class="muted small">
        {views(video.viewCount)} · {dayOf(video.createdAt)}
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
