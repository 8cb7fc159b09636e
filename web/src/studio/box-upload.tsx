// Putting one's own pictures and videos into a box: pick them or drop them; each uploads with its
// progress (large ones resumably) and becomes an asset of the box (source "uploaded").
import { useRef, useState } from "hono/jsx/dom";
import { ProblemError } from "../../../client";
import { RESUMABLE_FROM_BYTES } from "../gallery/upload-panel";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { type Asset, studioApi } from "./studio-api";

interface Upload {
  key: string;
  name: string;
  sent: number;
  total: number;
  status: "uploading" | "adding" | "done" | "failed";
  error?: string;
}

let uploadCounter = 0;

function refusal(error: unknown): string {
  if (error instanceof ProblemError && error.code === "unsupported_media_type") return "Not a picture or video the studio takes";
  if (error instanceof ProblemError && error.code === "file_too_large") return "Too large";
  if (error instanceof ProblemError && error.code === "quota_exceeded") return "Your storage is full";
  return problemText(error, "The upload failed. Try again.");
}

export function BoxUpload({ boxId, onAdded }: { boxId: string; onAdded: (asset: Asset) => void }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement | null>(null);
  const update = (key: string, patch: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const start = (files: Iterable<File>) => {
    for (const file of [...files].filter((f) => f.size > 0)) {
      const key = `b${uploadCounter++}`;
      const name = file.name || "file";
      setUploads((all) => [{ key, name, sent: 0, total: file.size, status: "uploading" }, ...all]);
      const options = { purpose: "asset" as const, name, onProgress: ({ sent, total }: { sent: number; total: number }) => update(key, { sent, total }) };
      const upload = file.size > RESUMABLE_FROM_BYTES ? platform.uploadResumable(file, options) : platform.uploadFile(file, options);
      upload
        .then(async (stored) => {
          update(key, { status: "adding", sent: file.size });
          const asset = await studioApi.addUploaded(boxId, stored.id);
          update(key, { status: "done" });
          onAdded(asset);
        })
        .catch((error: unknown) => update(key, { status: "failed", error: refusal(error) }));
    }
  };

  return (
    <section
      class={dragging ? "studio-panel studio-upload dragging" : "studio-panel studio-upload"}
      aria-labelledby="box-upload-title"
      onDragEnter={(e: DragEvent) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e: DragEvent) => e.preventDefault()}
      onDragLeave={(e: DragEvent) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e: DragEvent) => {
        e.preventDefault();
        setDragging(false);
        if (e.dataTransfer?.files.length) start(e.dataTransfer.files);
      }}
      data-testid="box-upload"
    >
      <h2 id="box-upload-title">Add your files</h2>
      <p class="muted small">Pictures and videos of your own, as assets of this box. Drop them here or choose them.</p>
      <button type="button" class="secondary small" onClick={() => picker.current?.click()}>
        Choose files
      </button>
      <input
        ref={picker}
        type="file"
        accept="image/*,video/*"
        multiple
        hidden
        data-testid="box-file-input"
        onChange={(e: Event) => {
          const input = e.target as HTMLInputElement;
          if (input.files) start(input.files);
          input.value = "";
        }}
      />
      {uploads.length > 0 && (
        <ul class="studio-uploads" aria-label="Uploads">
          {uploads.map((upload) => (
            <li key={upload.key} data-testid="box-upload-item" data-status={upload.status}>
              <span class="studio-upload-name">{upload.name}</span>
              {upload.status === "uploading" && <progress max={upload.total || 1} value={upload.sent} aria-label={`Uploading ${upload.name}`} />}
              <span class={upload.status === "failed" ? "error-text small" : "muted small"} role={upload.status === "failed" ? "alert" : undefined}>
                {upload.status === "uploading"
                  ? "Uploading"
                  : upload.status === "adding"
                    ? "Adding to the box"
                    : upload.status === "done"
                      ? "Added"
                      : upload.error}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
