// A video's captions in the app's player: each ready language as a <track kind="captions">, its
// WebVTT fetched with the viewer's token (a private or unreviewed video's captions need it, which a
// plain <track src> cannot send) and handed to the element as a blob URL; and a toggle that shows
// or hides them.
import type { RefObject } from "hono/jsx";
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";

export interface CaptionTrack {
  language: string;
  label: string;
  /** A blob: URL of the WebVTT file. */
  src: string;
}

/** The video's ready captions as tracks; the blob URLs are released when the video changes. */
export function useCaptionTracks(videoId: string): CaptionTrack[] {
  const [tracks, setTracks] = useState<CaptionTrack[]>([]);
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    setTracks([]);
    (async () => {
      const list = await ok(platform.api.v1.videos[":id"].captions.$get({ param: { id: videoId } }));
      const ready = list.items.filter((c) => c.status === "ready");
      const loaded = await Promise.all(
        ready.map(async (caption) => {
          const response = await platform.api.v1.videos[":id"].captions[":file"].$get({ param: { id: videoId, file: `${caption.language}.vtt` } });
          if (!response.ok) return null;
          const src = URL.createObjectURL(new Blob([await response.text()], { type: "text/vtt" }));
          made.push(src);
          return { language: caption.language, label: caption.label, src };
        }),
      );
      if (live) setTracks(loaded.filter((t): t is CaptionTrack => t !== null));
    })().catch(() => undefined);
    return () => {
      live = false;
      for (const src of made) URL.revokeObjectURL(src);
    };
  }, [videoId]);
  return tracks;
}

/** Turns the first caption track on or off (the browser's own menu offers the others). */
export function CaptionsToggle({ video, tracks }: { video: RefObject<HTMLVideoElement | null>; tracks: CaptionTrack[] }) {
  const [showing, setShowing] = useState(false);
  if (tracks.length === 0) return null;
  const toggle = () => {
    const list = video.current?.textTracks;
    if (!list) return;
    const next = !showing;
    for (let i = 0; i < list.length; i++) {
      const track = list[i]!;
      if (track.kind === "captions") track.mode = next && i === 0 ? "showing" : "disabled";
    }
    setShowing(next);
  };
  return (
    <div class="row captions-row">
      <button type="button" class="secondary small" aria-pressed={showing ? "true" : "false"} onClick={toggle} data-testid="captions-toggle">
        {showing ? "Hide captions" : `Show captions (${tracks[0]!.label})`}
      </button>
    </div>
  );
}
