// Live asset changes from the hub (`asset.updated`): a generation moves queued -> running -> done
// (or failed) on every device of the owner without asking again.
import { useEffect } from "hono/jsx/dom";
import { onHubFrame } from "../platform";
import type { Asset } from "./studio-api";

export function useAssetUpdates(onAsset: (asset: Asset) => void, deps: unknown[]): void {
  useEffect(() => {
    const listener = (frame: { type: string } & Record<string, unknown>) => {
      if (frame.type === "asset.updated" && frame.asset) onAsset(frame.asset as Asset);
    };
    return onHubFrame(listener);
  }, deps);
}

/** The list with `asset` put in its place (newest first, ids are time-ordered), or added when it fits the list. */
export function upsertAsset(list: Asset[], asset: Asset, fits: (asset: Asset) => boolean): Asset[] {
  const index = list.findIndex((a) => a.id === asset.id);
  if (index >= 0) {
    if (!fits(asset)) return list.filter((a) => a.id !== asset.id);
    return list.map((a) => (a.id === asset.id ? asset : a));
  }
  if (!fits(asset)) return list;
  return [asset, ...list].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

export const STATUS_LABELS: Record<Asset["status"], string> = {
  pending: "Queued",
  processing: "Running",
  completed: "Done",
  failed: "Failed",
};

/**
 * A page the server read, with what arrived live meanwhile: assets newer than the page's newest
 * (queued or made while it was read) stay, so a slow read never hides a new generation.
 */
export function mergeLoaded(loaded: Asset[], current: Asset[], fits: (asset: Asset) => boolean): Asset[] {
  const newest = loaded[0]?.id ?? "";
  const known = new Set(loaded.map((a) => a.id));
  return [...current.filter((a) => !known.has(a.id) && a.id > newest && fits(a)), ...loaded];
}
