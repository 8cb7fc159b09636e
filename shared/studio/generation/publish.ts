import type { Deps } from "../../platform/deps-types";
import { assetView, type AssetView } from "../library/views";
import { findModelName } from "../providers/records";
import type { AssetRecord } from "./records";

/** The asset as the API shows it; a generated asset is nobody's headliner while it is made. */
export function generatedAssetView(deps: Deps, asset: AssetRecord, modelName: string | null = null): AssetView {
  return assetView({ ...asset, modelName }, { retentionDays: deps.config.studioLibrary.retentionDays, headliner: false });
}

/** Tells every device of the owner that the asset changed (`asset.updated`); a hub that cannot be reached is logged, not fatal. */
export async function publishAsset(deps: Deps, asset: AssetRecord): Promise<void> {
  try {
    // The frame names the model like the REST asset does (built-in models are named by assetView).
    const modelName = asset.modelId ? await findModelName(deps.db, asset.modelId) : null;
    await deps.objects.userHub(asset.ownerId).notify({ type: "asset.updated", asset: generatedAssetView(deps, asset, modelName) });
  } catch (error) {
    deps.log("warn", "asset.updated not delivered", { assetId: asset.id, error: String(error) });
  }
}
