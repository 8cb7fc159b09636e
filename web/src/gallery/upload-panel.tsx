// Putting pictures in the gallery: pick them with the button or drop them on the panel; each
// uploads at once with its progress (large ones resumably, in tus chunks), then is published with
// the title and tags given here.
import { useRef, useState } from "hono/jsx/dom";
import { ok, ProblemError } from "../../../client";
import { fileSize } from "../format";
import { platform } from "../platform";
import { type GalleryImage, parseTags } from "./model";

/** Above this a picture goes up in resumable chunks: a dropped connection costs a chunk, not the file. */
export const RESUMABLE_FROM_BYTES = 8 * 1024 * 1024;

interface Upload {
  key: string;
  name: string;
  sent: number;
  total: number;
  status: "uploading" | "publishing" | "done" | "failed";
  error?: string;
  image?: GalleryImage;
}

let uploadCounter = 0;

const titleOf = (name: string) =>
  name
    .replace(/\.[^.]+$/, "")
    .replace(/[_-]+/g, " ")
    .trim()
    .slice(0, 200) || "Untitled";

function refusal(error: unknown): string {
  if (!(error instanceof ProblemError)) return "Upload failed";
  if (error.code === "unsupported_media_type") return "Not a picture the gallery takes";
  if (error.code === "file_too_large") return "Too large";
  if (error.code === "quota_exceeded") return "Your storage is full";
  return error.message;
}

export function UploadPanel({ onPublished }: { onPublished: (image: GalleryImage) => void }) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const title = useRef<HTMLInputElement | null>(null);
  const tags = useRef<HTMLInputElement | null>(null);
  const picker = useRef<HTMLInputElement | null>(null);

  const update = (key: string, patch: Partial<Upload>) => setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const start = (files: Iterable<File>) => {
    const given = title.current?.value.trim() ?? "";
    const tagList = parseTags(tags.current?.value ?? "");
    const picked = [...files].filter((file) => file.size > 0);
    picked.forEach((file, index) => {
      const key = `u${uploadCounter++}`;
      const name = file.name || "picture";
      setUploads((all) => [{ key, name, sent: 0, total: file.size, status: "uploading" }, ...all]);
      const options = { purpose: "image" as const, name, onProgress: ({ sent, total }: { sent: number; total: number }) => update(key, { sent, total }) };
      const upload = file.size > RESUMABLE_FROM_BYTES ? platform.uploadResumable(file, options) : platform.uploadFile(file, options);
      upload
        .then(async (stored) => {
          update(key, { status: "publishing", sent: file.size });
          const imageTitle = given ? (picked.length > 1 ? `${given} ${index + 1}` : given) : titleOf(name);
          const image = await ok(platform.api.v1.images.$post({ json: { fileId: stored.id, title: imageTitle, tags: tagList } }));
          update(key, { status: "done", image });
          onPublished(image);
        })
        .catch((error: unknown) => update(key, { status: "failed", error: refusal(error) }));
    });
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const files = event.dataTransfer?.files;
    if (files && files.length > 0) start(files);
  };

  return (
    <section
      class={dragging ? "gallery-upload dragging" : "gallery-upload"}
      aria-label="Add pictures"
      onDragEnter={(e: DragEvent) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e: DragEvent) => e.preventDefault()}
      onDragLeave={(e: DragEvent) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
      data-testid="gallery-upload"
    >
      <div class="gallery-upload-fields">
        <label>
          Title
          <input ref={title} maxlength={200} placeholder="The file's name if left empty" />
        </label>
        <label>
          Tags
          <input ref={tags} placeholder="sea, sunset" />
        </label>
        <button type="button" class="primary" onClick={() => picker.current?.click()}>
          Choose pictures
        </button>
        <input
          ref={picker}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="gallery-file-input"
          onChange={(e: Event) => {
            const input = e.target as HTMLInputElement;
            if (input.files) start(input.files);
            input.value = "";
          }}
        />
      </div>
      <p class="muted small drop-hint">{dragging ? "Drop to upload" : "or drop pictures here"}</p>
      {uploads.length > 0 && (
        <ul class="gallery-uploads" aria-label="Uploads">
          {uploads.map((upload) => {
            const percent = upload.total > 0 ? Math.round((upload.sent / upload.total) * 100) : 0;
            return (
              <li key={upload.key} class={`gallery-upload-item ${upload.status}`} data-testid="gallery-upload-item" data-status={upload.status}>
                <span class="gallery-upload-name">{upload.name}</span>
                {upload.status === "uploading" && (
                  <span
                    class="progress"
                    role="progressbar"
                    aria-label={`Uploading ${upload.name}`}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={percent}
                  >
                    <span style={{ width: `${percent}%` }} />
                  </span>
                )}
                <span class="muted small">
                  {upload.status === "uploading"
                    ? `${percent}% of ${fileSize(upload.total)}`
                    : upload.status === "publishing"
                      ? "Publishing…"
                      : upload.status === "done"
                        ? "In the gallery"
                        : ""}
                </span>
                {upload.status === "done" && upload.image && (
                  <a class="link" href={`/app/gallery/images/${upload.image.id}`}>
                    Open
                  </a>
                )}
                {upload.status === "failed" && (
                  <span class="error-text small" role="alert">
                    {upload.error}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
