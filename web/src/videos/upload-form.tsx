// A new video: its title, description, tags and visibility, then the file, sent with progress where
// the API says (this Worker locally, Stream's one-time URL in production).
import { useRef, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { fileSize } from "../format";
import { parseTags } from "../gallery/model";
import { platform } from "../platform";
import type { Video } from "./model";
import { ProblemNote } from "../problem-note";

export const VIDEO_TYPES = "video/mp4,video/webm,video/quicktime,.mp4,.webm,.mov";

function refusal(error: unknown): string {
  if (!(error instanceof ProblemError)) return "The upload failed. Try again.";
  if (error.status === 415) return "That file is not a video the platform takes (MP4, MOV or WebM).";
  if (error.status === 413) return "That video is too large.";
  if (error.status === 429) return "You uploaded many videos just now; try again later.";
  return error.message;
}

export function UploadVideoForm({ onUploaded }: { onUploaded: (video: Video) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement | null>(null);
  const picker = useRef<HTMLInputElement | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) {
      setError("Choose a video file first.");
      return;
    }
    const data = new FormData(event.target as HTMLFormElement);
    const description = String(data.get("description") ?? "").trim();
    setError(null);
    setProgress({ sent: 0, total: file.size });
    try {
      const { video, upload } = await ok(
        platform.api.v1.videos.$post({
          json: {
            title: String(data.get("title") ?? "").trim(),
            ...(description ? { description } : {}),
            tags: parseTags(String(data.get("tags") ?? "")),
            isPublic: data.get("isPublic") === "on",
            size: file.size,
          },
        }),
      );
      await platform.uploadVideo(upload, file, { onProgress: setProgress });
      // The upload answer is the video as it was created; the list takes the processing one from the hub or a reload.
      onUploaded({ ...video, status: "processing" });
      form.current?.reset();
      setFile(null);
      setProgress(null);
    } catch (caught) {
      setProgress(null);
      setError(refusal(caught));
    }
  };

  const percent = progress && progress.total > 0 ? Math.round((progress.sent / progress.total) * 100) : 0;
  return (
    <form class="video-upload" ref={form} onSubmit={submit} aria-label="Upload a video">
      <h2>Upload a video</h2>
      <div class="video-upload-fields">
        <label>
          Title
          <input name="title" required maxlength={200} />
        </label>
        <label>
          Tags
          <input name="tags" placeholder="travel, sea" />
        </label>
        <label class="wide">
          Description
          <textarea name="description" rows={2} maxlength={5000} />
        </label>
        {/* A line of its own, so that the file's button and Upload share the next, in that order. */}
        <label class="checkbox wide">
          <input type="checkbox" name="isPublic" checked />
          Public once approved
        </label>
        <button type="button" class="secondary file-button" onClick={() => picker.current?.click()}>
          {file ? `${file.name} (${fileSize(file.size)})` : "Choose a video file"}
        </button>
        <input
          ref={picker}
          type="file"
          accept={VIDEO_TYPES}
          hidden
          data-testid="video-file-input"
          onChange={(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
        <button type="submit" class="primary" disabled={progress !== null}>
          {progress ? "Uploading…" : "Upload"}
        </button>
      </div>
      {progress && (
        <div class="row">
          <span class="progress grow" role="progressbar" aria-label="Uploading the video" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: `${percent}%` }} />
          </span>
          <span class="muted small">{percent}%</span>
        </div>
      )}
      <ProblemNote text={error} />
    </form>
  );
}
