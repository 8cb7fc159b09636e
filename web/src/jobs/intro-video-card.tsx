// The profile's video introduction as its owner sees it: which video, where it is (processing,
// waiting for review, published), and the ways to record a new one or remove it.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import type { Video } from "../videos/model";
import { StatusBadge } from "../videos/status-badge";
import { editProfile, type Profile } from "./candidate-api";

export function IntroVideoCard({ profile, onChanged }: { profile: Profile; onChanged: (profile: Profile) => void }) {
  const [video, setVideo] = useState<Video | null>(null);
  const [error, setError] = useState<string | null>(null);
  const videoId = profile.videoId ?? null;
  useEffect(() => {
    setVideo(null);
    if (!videoId) return;
    ok(platform.api.v1.videos[":id"].$get({ param: { id: videoId } }))
      .then(setVideo)
      .catch((caught) => setError(problemText(caught)));
  }, [videoId]);
  const remove = async () => {
    try {
      onChanged(await editProfile({ videoId: null }));
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  return (
    <section class="card stack" aria-label="Video introduction">
      <h2>Video introduction</h2>
      {!videoId && <p class="muted small">A short video of you talking about your work. The assistant suggests what to say and shows it as a teleprompter.</p>}
      {video && (
        <div class="row wrap">
          <a href={`/app/videos/${video.id}`}>{video.title}</a>
          <StatusBadge video={video} />
        </div>
      )}
      {error && <p class="error">{error}</p>}
      <div class="row wrap">
        <a href="/app/jobs/profile/intro" class="button-link primary">
          {videoId ? "Record a new introduction" : "Record a video introduction"}
        </a>
        {videoId && (
          <button type="button" class="secondary" onClick={() => void remove()}>
            Remove from profile
          </button>
        )}
      </div>
    </section>
  );
}
