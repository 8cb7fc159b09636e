// One asset at full size, over the page: the picture (or video) itself, its prompt and model, when
// retention would delete it, a download of the original, and delete with a confirmation.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { ConfirmDialog } from "../gallery/confirm-dialog";
import { platform } from "../platform";
import { assetLabel } from "./asset-grid";
import { type Asset, studioApi } from "./studio-api";
import { dateTime, dayOf } from "../format";
import { ModalDialog } from "../modal-dialog";

/** What the retention policy does to this asset (docs/studio.md, "Keeping and expiring assets"), in words. */
export function retentionOf(asset: Asset): string {
  if (!asset.expiresAt) return asset.favorite ? "Kept: it is a favourite." : "Kept: it is its box's headliner.";
  return `Kept until ${dayOf(asset.expiresAt)} unless you mark it favourite or make it the headliner.`;
}

export function deleteAssetText(asset: Asset): string {
  const kept = asset.expiresAt ? `Retention would have deleted it on ${dayOf(asset.expiresAt)}` : "Retention would have kept it";
  return `“${assetLabel(asset)}” and its file go now. ${kept}; deleting does not wait for that and cannot be undone.`;
}

export function AssetViewer({ asset, onClose, onDeleted }: { asset: Asset; onClose: () => void; onDeleted: (asset: Asset) => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const close = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    if (asset.fileId) void platform.fileUrl(asset.fileId).then(setUrl, () => setFailed(true));
    close.current?.focus();
  }, [asset.id]);
  const label = assetLabel(asset);
  return (
    <>
      <ModalDialog class="dialog studio-viewer" label={label} testId="asset-viewer" onClose={onClose}>
        <div class="studio-viewer-media">
          {!asset.fileId ? (
            <p class="muted">{asset.status === "failed" ? (asset.error ?? "It failed: there is no file.") : "Not made yet: the file comes when it is done."}</p>
          ) : failed ? (
            <p class="muted">The file could not be loaded. Close and try again.</p>
          ) : !url ? (
            <p class="muted">Loading…</p>
          ) : asset.type === "video" ? (
            // biome-ignore lint/a11y/useMediaCaption: generated and uploaded clips come without captions
            <video controls preload="metadata" src={url} aria-label={label} data-testid="viewer-video" />
          ) : (
            <img src={url} alt={label} data-testid="viewer-image" />
          )}
        </div>
        <p class="studio-viewer-prompt">{label}</p>
        <p class="muted small">
          {asset.modelName ?? (asset.source === "uploaded" ? "Uploaded" : "Model no longer offered")} · {dateTime(asset.createdAt)}
        </p>
        <p class="muted small" data-testid="viewer-retention">
          {retentionOf(asset)}
        </p>
        <div class="row end studio-viewer-actions">
          <button type="button" class="secondary danger-text" onClick={() => setConfirming(true)}>
            Delete
          </button>
          {url && (
            <a class="secondary studio-download" href={url} download="" data-testid="viewer-download">
              Download
            </a>
          )}
          <button type="button" class="primary" ref={close} onClick={onClose}>
            Close
          </button>
        </div>
      </ModalDialog>
      {/* Beside the viewer, not in it: Escape in the question closes the question alone. */}
      {confirming && (
        <ConfirmDialog
          title="Delete this asset?"
          text={deleteAssetText(asset)}
          confirmLabel="Delete asset"
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            await studioApi.deleteAsset(asset.id);
            onDeleted(asset);
          }}
        />
      )}
    </>
  );
}
