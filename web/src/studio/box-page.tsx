// One box: its assets with filters (each opens full size), generation with live status, uploads of
// one's own files, favourites and the headliner, its comments, and deleting it.
import { useEffect, useState } from "hono/jsx/dom";
import { ConfirmDialog } from "../gallery/confirm-dialog";
import { navigate } from "../router";
import { AssetCard, AssetFilterBar, fitsFilters } from "./asset-grid";
import { AssetViewer } from "./asset-viewer";
import { BoxUpload } from "./box-upload";
import { deleteBoxText } from "./deletion-words";
import { CommentsPanel } from "./comments-panel";
import { GeneratePanel } from "./generate-panel";
import { InlineName } from "./inline-name";
import { mergeLoaded, upsertAsset, useAssetUpdates } from "./live-assets";
import { type Asset, type AssetFilters, type Box, type Project, problemText, studioApi } from "./studio-api";
import { ProblemNote } from "../problem-note";

export function BoxPage({ projectId, boxId }: { projectId: string; boxId: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [box, setBox] = useState<Box | null>(null);
  const [assets, setAssets] = useState<Asset[]>([]);
  const [filters, setFilters] = useState<AssetFilters>({});
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [viewing, setViewing] = useState<Asset | null>(null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    setMissing(false);
    Promise.all([studioApi.project(projectId), studioApi.boxes(projectId)]).then(
      ([p, boxes]) => {
        const found = boxes.find((b) => b.id === boxId);
        if (!found) return setMissing(true);
        setProject(p);
        setBox(found);
        document.title = `${found.name} · ${p.name} · Studio`;
      },
      () => setMissing(true),
    );
  }, [projectId, boxId]);
  useEffect(() => {
    studioApi.boxAssets(boxId, filters).then(
      (loaded) => setAssets((current) => mergeLoaded(loaded, current, (a) => fitsFilters(a, filters) && !filters.q)),
      (caught) => setError(problemText(caught)),
    );
  }, [boxId, filters.type, filters.status, filters.favorite, filters.q]);
  const fits = (list: Asset[]) => (a: Asset) => fitsFilters(a, filters) && (!filters.q || list.some((x) => x.id === a.id));
  useAssetUpdates(
    (asset) => {
      if (asset.boxId === boxId) setAssets((list) => upsertAsset(list, asset, fits(list)));
    },
    [boxId, filters],
  );

  if (missing)
    return (
      <section class="empty-state">
        <h1>No such box</h1>
        <a class="button-link" href={`/app/studio/projects/${encodeURIComponent(projectId)}`}>
          Back to the project
        </a>
      </section>
    );
  if (!project || !box) return <p class="muted studio-loading">Loading…</p>;

  const favorite = async (asset: Asset) => {
    try {
      const updated = await studioApi.setFavorite(asset.id, !asset.favorite);
      setAssets((list) => upsertAsset(list, updated, (a) => fitsFilters(a, filters)));
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const headliner = async (asset: Asset) => {
    try {
      const updated = await studioApi.updateBox(box.id, { headlinerAssetId: box.headlinerAssetId === asset.id ? null : asset.id });
      setBox(updated);
      // A headliner is kept by retention: the assets' expiry changed.
      setAssets(await studioApi.boxAssets(boxId, filters));
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const pictures = assets.filter((a) => a.type === "image" && a.status === "completed");

  return (
    <div class="studio-page">
      <nav class="studio-crumbs" aria-label="Breadcrumb">
        <a href="/app/studio">Studio</a> <span aria-hidden="true">/</span> <a href={`/app/studio/projects/${encodeURIComponent(projectId)}`}>{project.name}</a>{" "}
        <span aria-hidden="true">/</span> <span aria-current="page">{box.name}</span>
      </nav>
      <header class="studio-header">
        <InlineName
          name={box.name}
          label="box"
          onRename={async (name) => {
            setBox(await studioApi.updateBox(box.id, { name }));
          }}
        />
        <button type="button" class="secondary small danger-text" onClick={() => setDeleting(true)}>
          Delete box
        </button>
      </header>
      <ProblemNote text={error} />
      <div class="studio-columns">
        <div class="studio-main">
          <section class="studio-panel" aria-labelledby="assets-title">
            <h2 id="assets-title">Assets</h2>
            <AssetFilterBar filters={filters} onChange={setFilters} />
            {assets.length === 0 ? (
              <p class="muted">{Object.values(filters).some(Boolean) ? "Nothing matches." : "No assets yet: generate some."}</p>
            ) : (
              <ul class="studio-grid" aria-live="polite">
                {assets.map((asset) => (
                  <AssetCard
                    key={asset.id}
                    asset={asset}
                    headliner={box.headlinerAssetId === asset.id}
                    onFavorite={(a) => void favorite(a)}
                    onHeadliner={(a) => void headliner(a)}
                    onOpen={setViewing}
                  />
                ))}
              </ul>
            )}
          </section>
        </div>
        <aside class="studio-side">
          <BoxUpload boxId={box.id} onAdded={(added) => setAssets((list) => upsertAsset(list, added, (a) => fitsFilters(a, filters)))} />
          <GeneratePanel
            boxId={box.id}
            pictures={pictures}
            onQueued={(queued) => setAssets((list) => queued.reduce((acc, asset) => upsertAsset(acc, asset, () => true), list))}
          />
          <CommentsPanel boxId={box.id} unread={box.unreadComments} onRead={() => setBox((b) => (b ? { ...b, unreadComments: 0 } : b))} />
        </aside>
      </div>
      {viewing && (
        <AssetViewer
          asset={viewing}
          onClose={() => setViewing(null)}
          onDeleted={(gone) => {
            setViewing(null);
            setAssets((list) => list.filter((a) => a.id !== gone.id));
            if (box.headlinerAssetId === gone.id) setBox({ ...box, headlinerAssetId: null });
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this box?"
          text={deleteBoxText(box.name, box.assetCount)}
          confirmLabel="Delete box"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await studioApi.deleteBox(box.id);
            navigate(`/app/studio/projects/${encodeURIComponent(projectId)}`);
          }}
        />
      )}
    </div>
  );
}
