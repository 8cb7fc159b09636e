import type { Env } from "../../env";
import { logEvent } from "../../observability/log";
import { traced } from "../../observability/traced-stub";
import { studioLibraryConfig } from "../studio-config";
import { assetView, type AssetView } from "../library/views";
import type { AssetRecord } from "./records";

/** The asset as the API shows it; a generated asset is nobody's headliner while it is made. */
export function generatedAssetView(env: Env, asset: AssetRecord): AssetView {
  return assetView(asset, { retentionDays: studioLibraryConfig(env).retentionDays, headliner: false });
}

/** Tells every device of the owner that the asset changed (`asset.updated`); a hub that cannot be reached is logged, not fatal. */
export async function publishAsset(env: Env, asset: AssetRecord): Promise<void> {
  try {
    await traced(env.USER_HUB.getByName(asset.ownerId)).notify({ type: "asset.updated", asset: generatedAssetView(env, asset) });
  } catch (error) {
    logEvent("warn", "asset.updated not delivered", { assetId: asset.id, error: String(error) });
  }
}
