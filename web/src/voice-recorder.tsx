// Voice messages: recorded with MediaRecorder (Opus in WebM where the browser has it), added to
// the composer's files like any other, and played inline where they arrive.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { duration } from "./format";

/** The name a recorded voice message gets: how players tell it from a video (WebM is video/webm by its bytes). */
export const VOICE_MESSAGE_PREFIX = "voice-message";

export const isVoiceMessage = (attachment: { name?: string; contentType: string | null }) =>
  Boolean(attachment.contentType?.startsWith("audio/") || (attachment.contentType === "video/webm" && attachment.name?.startsWith(VOICE_MESSAGE_PREFIX)));

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

/** The mic button: press to record, press again to stop; the recording becomes a file of the next message. */
export function VoiceRecorder({ onRecorded, onError }: { onRecorded: (file: File) => void; onError: (message: string) => void }) {
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [, setTick] = useState(0);
  const recorder = useRef<MediaRecorder | null>(null);

  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setTick((t) => t + 1), 250);
    return () => clearInterval(timer);
  }, [startedAt]);
  // Leaving the chat stops a recording (and lets go of the microphone).
  useEffect(() => () => recorder.current?.stop(), []);

  const start = async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
      const media = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const chunks: Blob[] = [];
      media.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
      const began = Date.now();
      media.onstop = async () => {
        for (const track of stream.getTracks()) track.stop();
        recorder.current = null;
        setStartedAt(null);
        const blob = new Blob(chunks, { type: media.mimeType });
        if (blob.size === 0) return;
        const extension = media.mimeType.includes("ogg") ? "ogg" : media.mimeType.includes("mp4") ? "m4a" : "webm";
        const file = new File([blob], `${VOICE_MESSAGE_PREFIX}-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.${extension}`, {
          type: blob.type,
        });
        const waveform = await waveformOf(blob);
        recordingDetails.set(file, { durationMs: Math.max(1, Date.now() - began), ...(waveform ? { waveform } : {}) });
        onRecorded(file);
      };
      media.start(250);
      recorder.current = media;
      setStartedAt(Date.now());
    } catch {
      onError("The microphone is not available.");
    }
  };

  if (startedAt !== null) {
    return (
      <button
        type="button"
        class="icon-button recording"
        aria-label="Stop recording"
        title="Stop recording"
        onClick={() => recorder.current?.stop()}
        data-testid="recording"
      >
        <span class="rec-dot" aria-hidden="true" />
        {duration((Date.now() - startedAt) / 1000)}
      </button>
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
