// A video's captions in the app's player: each ready language as a <track kind="captions">, its
// WebVTT fetched with the viewer's token (a private or unreviewed video's captions need it, which a
// plain <track src> cannot send) and handed to the element as a blob URL; and a toggle that shows
// or hides them. Its owner also asks for them when there are none or they failed.
import type { RefObject } from "hono/jsx";
import { useEffect, useState } from "hono/jsx/dom";
import type { InferResponseType } from "hono/client";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { ProblemNote } from "../problem-note";

type CaptionItem = InferResponseType<(typeof platform.api)["v1"]["videos"][":id"]["captions"]["$get"], 200>["items"][number];

export interface CaptionTrack {
  language: string;
  label: string;
  /** A blob: URL of the WebVTT file. */
  src: string;
}

/** The video's ready captions as tracks, read again when `version` changes (new captions arrived); the blob URLs are released when the video changes. */
export function useCaptionTracks(videoId: string, version = 0): CaptionTrack[] {
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
  }, [videoId, version]);
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

/** Why captions failed, in words: the stored reason is `code: words`, and the code is for logs. */
const FAILURE_WORDS: Record<string, string> = {
  queue_unavailable: "the request could not be passed on.",
  timed_out: "they did not arrive in time.",
  provider_unavailable: "the transcription service could not be reached.",
  captions_unavailable: "no transcription service is set up here.",
  stream_failed: "the video host could not make them (no speech, or the language is not supported).",
  model_not_found: "the transcription service is not set up correctly.",
};

function failureWords(error: string | null | undefined): string {
  const code = error?.split(":", 1)[0] ?? "";
  return FAILURE_WORDS[code] ?? "the transcription service could not make them.";
}

/** Seconds between looks at pending captions. */
const POLL_SECONDS = 4;

/**
 * The owner's captions line under the player: "Make captions" when the video has none, "Captions
 * are being made…" while they are, the failure in words with "Try again"; nothing once they are
 * ready (the player's toggle shows them). `onReady` tells the player to load the new tracks.
 */
export function OwnerCaptions({ videoId, onReady }: { videoId: string; onReady: () => void }) {
  const [captions, setCaptions] = useState<CaptionItem[] | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = captions?.some((c) => c.status === "pending") ?? false;

  const load = () =>
    ok(platform.api.v1.videos[":id"].captions.$get({ param: { id: videoId } })).then(
      (list) => setCaptions(list.items),
      () => undefined,
    );
  useEffect(() => {
    void load();
  }, [videoId]);
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(async () => {
      const list = await ok(platform.api.v1.videos[":id"].captions.$get({ param: { id: videoId } })).catch(() => null);
      // A look that failed: a new array all the same, so the effect runs again and looks later.
      if (!list) return setCaptions((current) => (current ? [...current] : current));
      setCaptions(list.items);
      if (list.items.some((c) => c.status === "ready")) onReady();
    }, POLL_SECONDS * 1000);
    return () => clearTimeout(timer);
  }, [videoId, pending, captions]);

  if (!captions || captions.some((c) => c.status === "ready")) return null;
  const failed = captions.find((c) => c.status === "failed");
  const ask = async (language?: string) => {
    setAsking(true);
    setError(null);
    try {
      const asked = await ok(platform.api.v1.videos[":id"].captions.$post({ param: { id: videoId }, json: language ? { language } : {} }));
      // The answer says pending: show that now and let the regular look find them ready and tell the
      // player. Reading the list again here instead could already see them ready (a quick consumer),
      // and the line would vanish with no toggle in its place.
      setCaptions((current) => [
        ...(current ?? []).filter((c) => c.language !== asked.language),
        { language: asked.language, label: asked.language, status: "pending", source: null, url: null, error: null },
      ]);
    } catch (caught) {
      setError(problemText(caught, "Captions could not be asked for."));
    }
    setAsking(false);
  };
  return (
    <div class="captions-request" data-testid="owner-captions">
      {pending ? (
        <p class="small" role="status">
          Captions are being made…
        </p>
      ) : failed ? (
        <div class="row">
          <p class="small">Captions could not be made: {failureWords(failed.error)}</p>
          <button type="button" class="secondary small" disabled={asking} onClick={() => void ask(failed.language)}>
            Try again
          </button>
        </div>
      ) : (
        <div class="row">
          <p class="muted small">This video has no captions yet.</p>
          <button type="button" class="secondary small" disabled={asking} onClick={() => void ask()}>
            Make captions
          </button>
        </div>
      )}
      <ProblemNote text={error} small />
    </div>
  );
}
