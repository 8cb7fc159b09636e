// Voice messages: recorded with MediaRecorder (Opus in WebM where the browser has it), added to
// the composer's files like any other, and played inline where they arrive.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { duration } from "./format";

/** The name a recorded voice message gets: how players tell it from a video (WebM is video/webm by its bytes). */
export const VOICE_MESSAGE_PREFIX = "voice-message";

export const isVoiceMessage = (attachment: { name?: string; contentType: string | null }) =>
  Boolean(attachment.contentType?.startsWith("audio/") || (attachment.contentType === "video/webm" && attachment.name?.startsWith(VOICE_MESSAGE_PREFIX)));

/**
 * A message needs text: files sent without a caption are named by their names ("Voice message"
 * for a recording). The same words on a message with those files say nothing the files do not:
 * the bubble leaves them out (previews, search and notifications keep them).
 */
export const filesCaption = (names: readonly string[]) => names.map((name) => (name.startsWith(VOICE_MESSAGE_PREFIX) ? "Voice message" : name)).join(", ");

/** Whether a message's text is only the caption its files got (the bubble then shows the files alone). */
export const isFilesCaption = (text: string, files: readonly { name?: string | null }[]) =>
  files.length > 0 && text === filesCaption(files.map((file) => file.name ?? ""));

/** What the recorder measured of each recording it made: sent with its upload, shown with the message. */
export const recordingDetails = new WeakMap<File, { durationMs: number; waveform?: string }>();

/** Slices of a voice message's waveform. */
const WAVEFORM_SLICES = 48;

/** The loudness of `blob` in WAVEFORM_SLICES slices, one base-32 digit (0-31) each; empty when it does not decode. */
async function waveformOf(blob: Blob): Promise<string> {
  try {
    const context = new OfflineAudioContext(1, 1, 48_000);
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    const samples = audio.getChannelData(0);
    const slice = Math.max(1, Math.floor(samples.length / WAVEFORM_SLICES));
    const peaks = Array.from({ length: WAVEFORM_SLICES }, (_, i) => {
      let peak = 0;
      for (let j = i * slice; j < Math.min(samples.length, (i + 1) * slice); j++) peak = Math.max(peak, Math.abs(samples[j]!));
      return peak;
    });
    const loudest = Math.max(...peaks, 1e-6);
    return peaks.map((peak) => Math.round((peak / loudest) * 31).toString(32)).join("");
  } catch {
    return "";
  }
}

/**
 * A voice message's waveform (one base-32 digit a bar, 0-31) and length, above its player; shown
 * alike for a plain and an end-to-end encrypted one. Nothing when it has neither.
 */
export function VoiceDetails({ waveform, durationMs }: { waveform?: string; durationMs?: number }) {
  const levels = [...(waveform ?? "")].map((digit) => Number.parseInt(digit, 32));
  if (levels.length === 0 && durationMs === undefined) return null;
  return (
    <div class="voice-details">
      {levels.length > 0 && (
        <svg class="waveform" viewBox={`0 0 ${levels.length * 3} 32`} preserveAspectRatio="none" aria-hidden="true" data-testid="waveform">
          {levels.map((level, index) => (
            <rect x={index * 3} y={31 - level} width="2" height={level + 1} rx="1" />
          ))}
        </svg>
      )}
      {durationMs !== undefined && (
        <span class="voice-duration" data-testid="voice-duration">
          {duration(durationMs / 1000)}
        </span>
      )}
    </div>
  );
}

/** What the composer can ask of a recording under way: Send stops it and sends it, a discard drops it. */
export interface RecorderControls {
  recording: boolean;
  /** Stops the recording; resolves with its file (null when it was empty), which is not handed to `onRecorded`. */
  finish(): Promise<File | null>;
  discard(): void;
}

/**
 * The mic button: press to record; while recording, a labelled stop (the recording becomes a file
 * of the next message) and a discard, with the time recorded so far. Send in the composer stops the
 * recording and sends it (`controls.finish`).
 */
export function VoiceRecorder({
  onRecorded,
  onError,
  controls,
}: {
  onRecorded: (file: File) => void;
  onError: (message: string) => void;
  controls: { current: RecorderControls | null };
}) {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [, setTick] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);
  // Where the next recording goes when it stops: the composer's Send, the draft tray, or nowhere.
  const destination = useRef<{ kind: "draft" } | { kind: "send"; resolve: (file: File | null) => void } | { kind: "discard" }>({ kind: "draft" });

  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setTick((t) => t + 1), 250);
    return () => clearInterval(timer);
  }, [startedAt]);
  // Leaving the chat drops a recording (and lets go of the microphone).
  useEffect(
    () => () => {
      destination.current = { kind: "discard" };
      recorder.current?.stop();
    },
    [],
  );

  const start = async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
      const media = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const chunks: Blob[] = [];
      media.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
      const began = Date.now();
      destination.current = { kind: "draft" };
      media.onstop = async () => {
        for (const track of stream.getTracks()) track.stop();
        recorder.current = null;
        setStartedAt(null);
        const to = destination.current;
        destination.current = { kind: "draft" };
        const blob = new Blob(chunks, { type: media.mimeType });
        if (to.kind === "discard" || blob.size === 0) {
          if (to.kind === "send") to.resolve(null);
          return;
        }
        const extension = media.mimeType.includes("ogg") ? "ogg" : media.mimeType.includes("mp4") ? "m4a" : "webm";
        const file = new File([blob], `${VOICE_MESSAGE_PREFIX}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${extension}`, {
          type: blob.type,
        });
        const waveform = await waveformOf(blob);
        recordingDetails.set(file, { durationMs: Math.max(1, Date.now() - began), ...(waveform ? { waveform } : {}) });
        if (to.kind === "send") to.resolve(file);
        else onRecorded(file);
      };
      media.start(250);
      recorder.current = media;
      setStartedAt(Date.now());
    } catch {
      onError("The microphone is not available: allow it for this site in the browser's settings, or check that one is connected.");
    }
  };

  const discard = () => {
    destination.current = { kind: "discard" };
    recorder.current?.stop();
  };
  controls.current = {
    recording: startedAt !== null,
    finish: () =>
      new Promise((resolve) => {
        if (!recorder.current) return resolve(null);
        destination.current = { kind: "send", resolve };
        recorder.current.stop();
      }),
    discard,
  };

  if (startedAt !== null) {
    return (
      <div class="recording-controls" data-testid="recording">
        <button type="button" class="icon-button discard-recording" aria-label="Discard the recording" title="Discard the recording" onClick={discard}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path fill="currentColor" d="M9 3h6l1 2h4v2H4V5h4l1-2Zm-3 6h12l-1 12H7L6 9Zm4 2v8h1.5v-8H10Zm3.5 0v8H15v-8h-1.5Z" />
          </svg>
        </button>
        <span class="recording-time" role="timer" aria-label={`Recording, ${duration((Date.now() - startedAt) / 1000)}`}>
          <span class="rec-dot" aria-hidden="true" />
          {duration((Date.now() - startedAt) / 1000)}
        </span>
        <button type="button" class="icon-button stop-recording" aria-label="Stop recording" title="Stop recording" onClick={() => recorder.current?.stop()}>
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor" />
          </svg>
        </button>
      </div>
    );
  }
  return (
    <button type="button" class="icon-button mic" aria-label="Record a voice message" title="Record a voice message" onClick={() => void start()}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2Z"
        />
      </svg>
    </button>
  );
}
