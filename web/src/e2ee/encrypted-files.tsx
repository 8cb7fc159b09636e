// Files and voice messages of encrypted chats (docs/e2ee.md, "Files and voice messages"): each is
// encrypted on this device under a fresh key before it is uploaded (the server stores opaque
// bytes), its key goes inside the MLS message, and a member's device downloads, decrypts, checks
// the SHA-256 and shows it from a blob: URL.
import { useEffect, useState } from "hono/jsx/dom";
import type { PlatformFile, UploadOptions } from "../../../client";
import { decryptFile, type EncryptedFileKey, encryptFile } from "../../../client/e2ee";
import { fileSize } from "../format";
import { platform } from "../api-client";
import { displayType } from "./display-type";
import { rememberFileKey } from "./file-keys";
import { VoiceDetails } from "../voice-recorder";

export { encryptedFileKey } from "./file-keys";

/** Decrypted files as blob: URLs, by file id: a file is downloaded and decrypted once per tab. */
const decrypted = new Map<string, Promise<string>>();

/**
 * Encrypts `file` and uploads the ciphertext (`purpose=encrypted-attachment`, under a neutral
 * name): its name, type, length and loudness stay in the key, which travels inside the message.
 * Answers the uploaded file as the composer shows it (its own name and type).
 */
export async function uploadEncrypted(
  file: File,
  options: Pick<UploadOptions, "onProgress" | "signal"> & { name: string; audio?: { durationMs: number; waveform?: string } },
): Promise<PlatformFile> {
  const { ciphertext, key } = await encryptFile(new Uint8Array(await file.arrayBuffer()), {
    name: options.name,
    type: file.type || "application/octet-stream",
  });
  const uploaded = await platform.uploadFile(new Blob([ciphertext as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }), {
    purpose: "encrypted-attachment",
    name: "encrypted",
    onProgress: options.onProgress,
    signal: options.signal,
  });
  rememberFileKey({ fileId: uploaded.id, ...key, ...(options.audio ?? {}) });
  // This device has the plaintext already: it shows its own file without downloading it back.
  decrypted.set(uploaded.id, Promise.resolve(URL.createObjectURL(file)));
  return { ...uploaded, name: options.name, contentType: file.type || "application/octet-stream", size: file.size };
}

function decryptedUrl(key: EncryptedFileKey): Promise<string> {
  let url = decrypted.get(key.fileId);
  if (!url) {
    url = (async () => {
      const response = await fetch(await platform.fileUrl(key.fileId));
      if (!response.ok) throw new Error("The file is no longer available");
      const plain = await decryptFile(new Uint8Array(await response.arrayBuffer()), key);
      return URL.createObjectURL(new Blob([plain as Uint8Array<ArrayBuffer>], { type: displayType(key.type) }));
    })();
    decrypted.set(key.fileId, url);
    url.catch(() => decrypted.delete(key.fileId));
  }
  return url;
}

function useDecrypted(key: EncryptedFileKey): { url: string | null; failed: boolean } {
  const [state, setState] = useState<{ url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    let current = true;
    setState({ url: null, failed: false });
    decryptedUrl(key).then(
      (url) => current && setState({ url, failed: false }),
      () => current && setState({ url: null, failed: true }),
    );
    return () => {
      current = false;
    };
  }, [key.fileId]);
  return state;
}

const isVoice = (key: EncryptedFileKey) => {
  const type = displayType(key.type);
  return type.startsWith("audio/") || (type === "video/webm" && Boolean(key.name?.startsWith("voice-message")));
};

/** The files of an encrypted message, decrypted on this device. */
export function EncryptedAttachments({ files }: { files: EncryptedFileKey[] }) {
  if (files.length === 0) return null;
  return (
    <div class="attachments">
      {files.map((key) =>
        displayType(key.type).startsWith("image/") ? (
          <EncryptedImage key={key.fileId} file={key} />
        ) : isVoice(key) ? (
          <EncryptedVoice key={key.fileId} file={key} />
        ) : (
          <EncryptedFile key={key.fileId} file={key} />
        ),
      )}
    </div>
  );
}

function Unavailable({ name }: { name: string }) {
  return (
    <span class="attachment-file" data-testid="attachment-undecryptable">
      <span class="attachment-file-text">
        <span class="attachment-name">{name}</span>
        <span class="attachment-size">This file could not be decrypted on this device.</span>
      </span>
    </span>
  );
}

function EncryptedImage({ file }: { file: EncryptedFileKey }) {
  const { url, failed } = useDecrypted(file);
  const name = file.name ?? "Picture";
  if (failed) return <Unavailable name={name} />;
  return (
    <a class="attachment-image" href={url ?? undefined} target="_blank" rel="noopener" title={name} data-testid="attachment-image">
      {url ? <img src={url} alt={name} /> : <span class="attachment-placeholder" role="img" aria-label={`Decrypting ${name}`} />}
    </a>
  );
}

function EncryptedVoice({ file }: { file: EncryptedFileKey }) {
  const { url, failed } = useDecrypted(file);
  if (failed) return <Unavailable name="Voice message" />;
  return (
    <div class="attachment-audio">
      <VoiceDetails waveform={file.waveform} durationMs={file.durationMs} />
      {/* biome-ignore lint/a11y/useMediaCaption: a voice message has no captions to offer */}
      <audio controls preload="metadata" src={url ?? undefined} data-testid="attachment-audio" aria-label="Voice message" />
    </div>
  );
}

function EncryptedFile({ file }: { file: EncryptedFileKey }) {
  const { url, failed } = useDecrypted(file);
  const name = file.name ?? "File";
  if (failed) return <Unavailable name={name} />;
  return (
    <a class="attachment-file" href={url ?? undefined} download={name} data-testid="attachment-file">
      <span class="attachment-file-text">
        <span class="attachment-name">{name}</span>
        <span class="attachment-size">{file.size !== undefined ? fileSize(file.size) : "Decrypting…"}</span>
      </span>
    </a>
  );
}
