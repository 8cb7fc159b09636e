// Assets in a grid: a picture (or video) per card with its status, prompt, model, and the
// favourite, headliner and open (full size) controls; and the filter bar above it.
import { useEffect, useState } from "hono/jsx/dom";
import { platform } from "../platform";
import { STATUS_LABELS } from "./live-assets";
import type { Asset, AssetFilters } from "./studio-api";
import { dayOf } from "../format";

function useSignedUrl(fileId: string | null, width?: number): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (fileId) void platform.fileUrl(fileId, width === undefined ? {} : { width }).then(setUrl, () => setUrl(null));
  }, [fileId, width]);
  return url;
}

export const assetLabel = (asset: Asset) => asset.prompt || (asset.type === "video" ? "Uploaded video" : "Uploaded picture");

function AssetMedia({ asset }: { asset: Asset }) {
  // A generated picture has a 256-pixel thumbnail of its own; an uploaded one a resized variant.
  const preview = useSignedUrl(asset.type === "image" ? (asset.thumbnailFileId ?? asset.fileId) : null, asset.thumbnailFileId ? undefined : 256);
  const video = useSignedUrl(asset.type === "video" ? asset.fileId : null);
  if (asset.status !== "completed") {
    return (
      <div class={`studio-media placeholder ${asset.status}`} role="img" aria-label={`${STATUS_LABELS[asset.status]}: ${assetLabel(asset)}`}>
        {asset.status === "failed" ? "!" : <span class="studio-spinner" aria-hidden="true" />}
      </div>
    );
  }
  if (asset.type === "video") {
    return video ? (
      // biome-ignore lint/a11y/useMediaCaption: generated and uploaded clips come without captions
      <video class="studio-media" controls preload="metadata" src={video} aria-label={assetLabel(asset)} />
    ) : (
      <div class="studio-media placeholder" role="img" aria-busy="true" aria-label={`Loading ${assetLabel(asset)}`} />
    );
  }
  return preview ? (
    <img class="studio-media" src={preview} alt={assetLabel(asset)} loading="lazy" />
  ) : (
    <div class="studio-media placeholder" role="img" aria-busy="true" aria-label={`Loading ${assetLabel(asset)}`} />
  );
}

export function AssetCard({
  asset,
  headliner,
  onFavorite,
  onHeadliner,
  onOpen,
  boxName,
}: {
  asset: Asset;
  headliner: boolean;
  onFavorite: (asset: Asset) => void;
  onHeadliner?: (asset: Asset) => void;
  /** Opens the asset full size (asset-viewer.tsx), with download and delete. */
  onOpen: (asset: Asset) => void;
  boxName?: string;
}) {
  return (
    <li class={headliner ? "studio-card headliner" : "studio-card"} data-testid="studio-asset" data-status={asset.status} data-asset-id={asset.id}>
      <AssetMedia asset={asset} />
      <div class="studio-card-body">
        <div class="studio-card-top">
          <span class={`studio-status ${asset.status}`} data-testid="asset-status">
            {STATUS_LABELS[asset.status]}
          </span>
          {headliner && <span class="studio-chip">Headliner</span>}
          {asset.source === "img2vid" && <span class="studio-chip">From a picture</span>}
        </div>
        <p class="studio-prompt" title={asset.prompt}>
          {assetLabel(asset)}
        </p>
        <p class="muted small">
          {asset.modelName ?? (asset.source === "uploaded" ? "Uploaded" : "Model no longer offered")}
          {boxName ? ` · ${boxName}` : ""}
        </p>
        {asset.status === "failed" && asset.error && (
          <p class="studio-error small" data-testid="asset-error">
            {asset.error}
          </p>
        )}
        <div class="studio-card-actions">
          <button
            type="button"
            class={asset.favorite ? "studio-star on" : "studio-star"}
            aria-pressed={asset.favorite ? "true" : "false"}
            onClick={() => onFavorite(asset)}
          >
            {/* A toggle named by what it shows (pressed or not says the state), then by the asset it is for. */}
            {asset.favorite ? "★ Favourite" : "☆ Favourite"}
            <span class="visually-hidden">: {assetLabel(asset)}</span>
          </button>
          <button
            type="button"
            class="link"
            aria-label={asset.status === "completed" ? `Open ${assetLabel(asset)}` : `Details of ${assetLabel(asset)}`}
            onClick={() => onOpen(asset)}
          >
            {asset.status === "completed" ? "Open" : "Details"}
          </button>
          {onHeadliner && asset.status === "completed" && (
            <button type="button" class="link" aria-pressed={headliner ? "true" : "false"} onClick={() => onHeadliner(asset)}>
              {headliner ? "Unset headliner" : "Make headliner"}
            </button>
          )}
        </div>
        {asset.expiresAt && <p class="muted small">Kept until {dayOf(asset.expiresAt)}</p>}
      </div>
    </li>
  );
}

export function AssetFilterBar({ filters, onChange }: { filters: AssetFilters; onChange: (filters: AssetFilters) => void }) {
  const [q, setQ] = useState(filters.q ?? "");
  return (
    <form
      class="studio-filters"
      aria-label="Filter assets"
      onSubmit={(event: Event) => {
        event.preventDefault();
        onChange({ ...filters, q: q.trim() || undefined });
      }}
    >
      <label>
        Search prompts
        <input type="search" value={q} placeholder="Words of the prompt" onInput={(e: Event) => setQ((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Type
        <select
          value={filters.type ?? ""}
          onChange={(e: Event) => onChange({ ...filters, type: ((e.target as HTMLSelectElement).value || undefined) as AssetFilters["type"] })}
        >
          <option value="">All</option>
          <option value="image">Pictures</option>
          <option value="video">Videos</option>
        </select>
      </label>
      <label>
        Status
        <select
          value={filters.status ?? ""}
          onChange={(e: Event) => onChange({ ...filters, status: ((e.target as HTMLSelectElement).value || undefined) as AssetFilters["status"] })}
        >
          <option value="">All</option>
          <option value="pending">Queued</option>
          <option value="processing">Running</option>
          <option value="completed">Done</option>
          <option value="failed">Failed</option>
        </select>
      </label>
      <label class="studio-check">
        <input
          type="checkbox"
          checked={filters.favorite === "true"}
          onChange={(e: Event) => onChange({ ...filters, favorite: (e.target as HTMLInputElement).checked ? "true" : undefined })}
        />
        Favourites only
      </label>
      <button type="submit" class="secondary small">
        Search
      </button>
    </form>
  );
}

/** Whether an asset belongs in a list shown with these filters (the prompt search is the server's). */
export function fitsFilters(asset: Asset, filters: AssetFilters): boolean {
  if (filters.type && asset.type !== filters.type) return false;
  if (filters.status && asset.status !== filters.status) return false;
  if (filters.favorite === "true" && !asset.favorite) return false;
  return true;
}
