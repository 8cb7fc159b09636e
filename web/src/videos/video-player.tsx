// Plays a video where the API says it is: offline (development) the uploaded file itself from the
// local Stream emulation; in production Stream's HLS where the browser plays it natively, else
// Stream's own player. The first play counts a view.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { platform } from "../platform";
import { CaptionsToggle, useCaptionTracks } from "./captions";
import type { Playback, Video } from "./model";

/** `captionsVersion`: bumped when new captions are ready, so their tracks are loaded. */
export function VideoPlayer({ video, countViews = true, captionsVersion = 0 }: { video: Video; countViews?: boolean; captionsVersion?: number }) {
  const [playback, setPlayback] = useState<Playback | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const counted = useRef(false);
  const element = useRef<HTMLVideoElement>(null);
  const captions = useCaptionTracks(video.id, captionsVersion);

  useEffect(() => {
    setPlayback(null);
    setProblem(null);
    ok(platform.api.v1.videos[":id"].playback.$get({ param: { id: video.id } })).then(setPlayback, (error: unknown) =>
      setProblem(
        error instanceof ProblemError && error.code === "not_ready" ? "This video is not ready to play yet." : "The video cannot be played right now.",
      ),
    );
  }, [video.id, video.status]);

  const countView = () => {
    if (!countViews || counted.current) return;
    counted.current = true;
    void platform.api.v1.videos[":id"].views.$post({ param: { id: video.id } }).catch(() => undefined);
  };

  if (problem)
    return (
      <div class="player-frame player-message" role="status">
        {problem}
      </div>
    );
  if (!playback) return <div class="player-frame player-message">Loading…</div>;
  const label = `Video: ${video.title}`;
  const nativeHls = typeof document !== "undefined" && document.createElement("video").canPlayType("application/vnd.apple.mpegurl") !== "";
  const source = playback.localFile ?? (nativeHls ? playback.hls : null);
  if (source)
    return (
      <>
        <div class="player-frame">
          {/* biome-ignore lint/a11y/useMediaCaption: the tracks are the video's captions once they are made (a new upload has none yet) */}
          <video ref={element} controls preload="metadata" src={source} aria-label={label} onPlay={countView} data-testid="video-player">
            {captions.map((track) => (
              <track key={track.language} kind="captions" src={track.src} srclang={track.language} label={track.label} />
            ))}
          </video>
        </div>
        <CaptionsToggle video={element} tracks={captions} />
      </>
    );
  // Stream's player page for the same (possibly signed) id: the HLS URL's host and path up to the manifest.
  const iframe = playback.hls.replace(/\/manifest\/video\.m3u8.*$/, "/iframe");
  return (
    <div class="player-frame">
      <iframe src={iframe} title={label} allow="accelerometer; gyroscope; autoplay; encrypted-media; picture-in-picture" allowfullscreen onLoad={countView} />
    </div>
  );
}
