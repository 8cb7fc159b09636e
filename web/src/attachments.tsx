// Files in chats: uploads waiting in the composer (with progress) and the files of sent messages,
// images as thumbnails (a resized variant through a signed URL) and anything else as a download.
import { useEffect, useState } from "hono/jsx/dom";
import { type Attachment, type PlatformFile, ProblemError } from "../../client";
import { fileSize } from "./format";
import { platform } from "./platform";
import { isVoiceMessage, recordingDetails, VoiceDetails } from "./voice-recorder";
import { uploadEncrypted } from "./e2ee/encrypted-files";

/** What the file picker offers: the types a chat attachment may be (the server checks the bytes). */
export const ACCEPTED_TYPES = "image/*,video/*,audio/*,application/pdf,.doc,.docx,.xlsx,.pptx,.odt,.ods,.odp,.zip,.txt,.csv,text/plain";
/** As many files as one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** Thumbnails are shown at most 260 CSS pixels wide: twice that for sharp screens. */
const THUMBNAIL_WIDTH = 512;

/** A file picked for the next message: uploading, uploaded, or refused. */
export interface Draft {
  key: string;
  file: File;
  name: string;
  /** An object URL of the picked image, revoked when the draft goes. */
  preview: string | null;
  status: "uploading" | "done" | "failed";
  sent: number;
  total: number;
  error?: string;
  uploaded?: PlatformFile;
  controller: AbortController;
}

let draftCounter = 0;

/** The files picked for one chat's next message; `change` re-renders whoever shows them. */
export class DraftUploads {
  drafts: Draft[] = [];
  /** The chat is end-to-end encrypted: files are encrypted on this device before they are uploaded. */
  encrypted = false;

  constructor(private readonly change: () => void) {}

  get uploading(): boolean {
    return this.drafts.some((draft) => draft.status === "uploading");
  }

  get failed(): boolean {
    return this.drafts.some((draft) => draft.status === "failed");
  }

  /** Starts uploading each file; beyond MAX_ATTACHMENTS files are left out (the count is returned). */
  add(files: Iterable<File>): number {
    let left = 0;
    for (const file of files) {
      if (this.drafts.length >= MAX_ATTACHMENTS) {
        left++;
        continue;
      }
      const draft: Draft = {
        key: `d${draftCounter++}`,
        file,
        // A pasted screenshot comes as "image.png"; a file without a name gets one from its type.
        name: file.name || `file.${file.type.split("/")[1] ?? "bin"}`,
        preview: file.type.startsWith("image/") ? URL.createObjectURL(file) : null,
        status: "uploading",
        sent: 0,
        total: file.size,
        controller: new AbortController(),
      };
      this.drafts = [...this.drafts, draft];
      this.#upload(draft);
    }
    this.change();
    return left;
  }

  retry(key: string): void {
    const draft = this.drafts.find((d) => d.key === key);
    if (draft?.status !== "failed") return;
    Object.assign(draft, { status: "uploading", sent: 0, error: undefined, controller: new AbortController() });
    this.#upload(draft);
    this.change();
  }

  remove(key: string): void {
    const draft = this.drafts.find((d) => d.key === key);
    if (!draft) return;
    this.#drop(draft);
    this.drafts = this.drafts.filter((d) => d !== draft);
    this.change();
  }

  /** The uploaded files as a message carries them, and an empty tray. */
  take(): Attachment[] {
    const files = this.drafts.flatMap((draft) => (draft.uploaded ? [draft.uploaded] : []));
    this.clear();
    return files.map((file) => ({ id: file.id, name: file.name, contentType: file.contentType, size: file.size }));
  }

  /** Cancels uploads under way and forgets every draft. */
  clear(): void {
    for (const draft of this.drafts) this.#drop(draft);
    this.drafts = [];
    this.change();
  }

  #drop(draft: Draft): void {
    draft.controller.abort();
    if (draft.preview) URL.revokeObjectURL(draft.preview);
  }

  #upload(draft: Draft): void {
    const { controller } = draft;
    const onProgress = ({ sent, total }: { sent: number; total: number }) => {
      Object.assign(draft, { sent, total });
      this.change();
    };
    const uploading = this.encrypted
      ? uploadEncrypted(draft.file, { name: draft.name, audio: recordingDetails.get(draft.file), signal: controller.signal, onProgress })
      : platform.uploadFile(draft.file, {
          purpose: "attachment",
          name: draft.name,
          audio: recordingDetails.get(draft.file),
          signal: controller.signal,
          onProgress,
        });
    uploading.then(
      (uploaded) => {
        if (controller.signal.aborted) return;
        Object.assign(draft, { status: "done", uploaded, sent: draft.total });
        this.change();
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        Object.assign(draft, { status: "failed", error: uploadError(error) });
        this.change();
      },
    );
  }
}

function uploadError(error: unknown): string {
  if (!(error instanceof ProblemError)) return "Upload failed";
  if (error.code === "unsupported_media_type") return "This type of file cannot be sent";
  if (error.code === "file_too_large") return "Too large";
  if (error.code === "quota_exceeded") return "Your storage is full";
  return error.message;
}

/** The files picked for the next message, above the composer. */
export function DraftTray({ uploads }: { uploads: DraftUploads }) {
  if (uploads.drafts.length === 0) return null;
  return (
    <ul class="draft-tray" aria-label="Files to send">
      {uploads.drafts.map((draft) => {
        const percent = draft.total > 0 ? Math.round((draft.sent / draft.total) * 100) : 0;
        return (
          <li key={draft.key} class={`draft ${draft.status}`} data-testid="draft" data-status={draft.status}>
            <div class="draft-thumb">{draft.preview ? <img src={draft.preview} alt="" /> : <FileIcon />}</div>
            <span class="draft-name" title={draft.name}>
              {draft.name}
            </span>
            {draft.status === "uploading" && <span class="draft-note">{percent}%</span>}
            {draft.status === "uploading" && (
              <div
                class="draft-progress"
                role="progressbar"
                aria-label={`Uploading ${draft.name}`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={percent}
              >
                <span style={{ width: `${percent}%` }} />
              </div>
            )}
            {draft.status === "done" && <span class="draft-note">{fileSize(draft.total)}</span>}
            {draft.status === "failed" && (
              <span class="draft-note error-text">
                {draft.error}
                {draft.error === "Upload failed" && (
                  <button type="button" class="link" onClick={() => uploads.retry(draft.key)}>
                    Retry
                  </button>
                )}
              </span>
            )}
            <button type="button" class="draft-remove" aria-label={`Remove ${draft.name}`} onClick={() => uploads.remove(draft.key)}>
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/** The files of a message. */
export function MessageAttachments({ attachments }: { attachments: Attachment[] }) {
  if (attachments.length === 0) return null;
  return (
    <div class="attachments">
      {attachments.map((attachment) =>
        attachment.contentType?.startsWith("image/") ? (
          <ImageAttachment key={attachment.id} attachment={attachment} />
        ) : isVoiceMessage(attachment) ? (
          <VoiceAttachment key={attachment.id} attachment={attachment} />
        ) : (
          <FileAttachment key={attachment.id} attachment={attachment} />
        ),
      )}
    </div>
  );
}

const nameOf = (attachment: Attachment) => attachment.name ?? "File";

/** A signed URL of the file (or of a variant); null until it is known. */
function useFileUrl(fileId: string, width?: number): [string | null, boolean, () => void] {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () =>
    platform.fileUrl(fileId, width === undefined ? {} : { width }).then(
      (signed) => setUrl((current) => (current === signed ? current : signed)),
      () => setFailed(true),
    );
  useEffect(() => {
    setUrl(null);
    setFailed(false);
    void load();
  }, [fileId]);
  // Signed URLs expire: a link about to be used asks again (a fresh one comes only when needed).
  return [url, failed, () => void load()];
}

function ImageAttachment({ attachment }: { attachment: Attachment }) {
  const [thumbnail, thumbnailFailed] = useFileUrl(attachment.id, THUMBNAIL_WIDTH);
  const [original, , refresh] = useFileUrl(attachment.id);
  // A variant that cannot be made still leaves the picture itself; a picture the browser cannot show, a download.
  const [stage, setStage] = useState<"thumbnail" | "original" | "file">("thumbnail");
  if (stage === "file") return <FileAttachment attachment={attachment} />;
  const showOriginal = stage === "original" || thumbnailFailed;
  const src = showOriginal ? original : thumbnail;
  return (
    <a
      class="attachment-image"
      href={original ?? undefined}
      target="_blank"
      rel="noopener"
      title={nameOf(attachment)}
      onPointerEnter={refresh}
      onFocus={refresh}
      data-testid="attachment-image"
    >
      {src ? (
        <img src={src} alt={nameOf(attachment)} loading="lazy" onError={() => setStage(showOriginal ? "file" : "original")} />
      ) : (
        <span class="attachment-placeholder" role="img" aria-busy="true" aria-label={`Loading ${nameOf(attachment)}`} />
      )}
    </a>
  );
}

/** A voice message (or any audio): played inline, its length shown by the player. */
function VoiceAttachment({ attachment }: { attachment: Attachment }) {
  const [url] = useFileUrl(attachment.id);
  return (
    <div class="attachment-audio">
      <VoiceDetails waveform={attachment.waveform} durationMs={attachment.durationMs} />
      {/* biome-ignore lint/a11y/useMediaCaption: a voice message has no captions to offer */}
      <audio
        controls
        preload="metadata"
        src={url ?? undefined}
        data-testid="attachment-audio"
        aria-label={attachment.name?.startsWith("voice-message") ? "Voice message" : nameOf(attachment)}
      />
    </div>
  );
}

function FileAttachment({ attachment }: { attachment: Attachment }) {
  const [url, , refresh] = useFileUrl(attachment.id);
  return (
    <a class="attachment-file" href={url ?? undefined} download={nameOf(attachment)} onPointerEnter={refresh} onFocus={refresh} data-testid="attachment-file">
      <span class="file-icon">
        <FileIcon />
      </span>
      <span class="attachment-file-text">
        <span class="attachment-name">{nameOf(attachment)}</span>
        <span class="attachment-size">{fileSize(attachment.size)}</span>
      </span>
    </a>
  );
}

export function PaperclipIcon() {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        stroke-linejoin="round"
        d="m21 11.5-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"
      />
    </svg>
  );
}

function FileIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linejoin="round"
        d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z M14 3v5h5"
      />
    </svg>
  );
}
