// A camera recorder: turn the camera on, see yourself, record (with whatever `beside` shows, such as
// a teleprompter, told whether a take is running), stop, watch the take, record again or use it.
// getUserMedia + MediaRecorder, WebM where the browser makes it (Chromium, Firefox), MP4 otherwise.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import { duration } from "../format";
import { ProblemNote } from "../problem-note";

type Phase = "off" | "starting" | "ready" | "recording" | "recorded";

const TYPES = ["video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];

function cameraProblem(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError")
    return "The browser was not allowed to use the camera. Allow it in the address bar, then try again.";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "No camera was found. Connect one, or upload a video file from the Videos section.";
  if (name === "NotReadableError") return "The camera is busy in another app. Close it there and try again.";
  return "The camera could not start in this browser.";
}

export function VideoRecorder({
  maxSeconds = 180,
  beside,
  onUse,
  useLabel = "Use this take",
  busy = false,
}: {
  maxSeconds?: number;
  beside?: (recording: boolean) => JSX.Element;
  onUse: (file: File) => void;
  useLabel?: string;
  busy?: boolean;
}) {
  const [phase, setPhase] = useState<Phase>("off");
  const [error, setError] = useState<string | null>(null);
  const [take, setTake] = useState<{ file: File; url: string } | null>(null);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const stream = useRef<MediaStream | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const live = useRef<HTMLVideoElement | null>(null);

  const stopCamera = () => {
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = null;
  };
  useEffect(
    () => () => {
      recorder.current?.state === "recording" && recorder.current.stop();
      stopCamera();
    },
    [],
  );
  useEffect(() => () => take && URL.revokeObjectURL(take.url), [take]);
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => {
      const seconds = (Date.now() - startedAt) / 1000;
      setElapsed(seconds);
      if (seconds >= maxSeconds) recorder.current?.stop();
    }, 250);
    return () => clearInterval(timer);
  }, [startedAt]);
  // The live picture follows the stream whenever the element is drawn.
  useEffect(() => {
    if (live.current && stream.current && live.current.srcObject !== stream.current) {
      live.current.srcObject = stream.current;
      void live.current.play().catch(() => undefined);
    }
  });

  const startCamera = async () => {
    setError(null);
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      setError("This browser cannot record video. Upload a video file from the Videos section instead.");
      return;
    }
    setPhase("starting");
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true });
      setPhase("ready");
    } catch (caught) {
      setPhase("off");
      setError(cameraProblem(caught));
    }
  };

  const record = () => {
    if (!stream.current) return;
    const mimeType = TYPES.find((type) => MediaRecorder.isTypeSupported(type)) ?? "";
    const chunks: Blob[] = [];
    const media = new MediaRecorder(stream.current, mimeType ? { mimeType } : undefined);
    media.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
    media.onstop = () => {
      setStartedAt(null);
      const type = (media.mimeType || mimeType || "video/webm").split(";")[0]!;
      const blob = new Blob(chunks, { type });
      if (blob.size === 0) {
        setPhase("ready");
        setError("Nothing was recorded. Try again.");
        return;
      }
      const file = new File([blob], `introduction.${type === "video/mp4" ? "mp4" : "webm"}`, { type });
      setTake({ file, url: URL.createObjectURL(file) });
      setPhase("recorded");
    };
    recorder.current = media;
    setTake(null);
    setError(null);
    media.start(1000);
    setElapsed(0);
    setStartedAt(Date.now());
    setPhase("recording");
  };

  const recording = phase === "recording";
  return (
    <section class="card recorder" aria-label="Recorder">
      <div class="recorder-stage">
        <div class="recorder-screen">
          {phase === "recorded" && take ? (
            // biome-ignore lint/a11y/useMediaCaption: the speaker's own take, played back before upload; there is no caption track yet
            <video src={take.url} controls playsinline class="recorder-video" aria-label="Your take" />
          ) : phase === "ready" || recording ? (
            <video ref={live} muted playsinline autoplay class="recorder-video mirrored" aria-label="Camera" />
          ) : (
            <div class="recorder-placeholder">
              <button type="button" class="primary" disabled={phase === "starting"} onClick={() => void startCamera()}>
                {phase === "starting" ? "Starting the camera…" : "Turn on the camera"}
              </button>
            </div>
          )}
          {recording && (
            <span class="recorder-badge" role="status">
              Recording {duration(elapsed)} of {duration(maxSeconds)}
            </span>
          )}
        </div>
        {beside?.(recording)}
      </div>
      <div class="row wrap">
        {phase === "ready" && (
          <button type="button" class="primary" onClick={record}>
            Start recording
          </button>
        )}
        {recording && (
          <button type="button" class="danger" onClick={() => recorder.current?.stop()}>
            Stop recording
          </button>
        )}
        {phase === "recorded" && take && (
          <>
            <button type="button" class="primary" disabled={busy} onClick={() => onUse(take.file)}>
              {useLabel}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => (stream.current ? record() : void startCamera())}>
              Record again
            </button>
          </>
        )}
      </div>
      <ProblemNote text={error} />
    </section>
  );
}
