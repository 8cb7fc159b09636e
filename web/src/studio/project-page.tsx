// One project: its boxes (add, reorder), every asset of the project with filters (each opens full
// size), sharing, export, and deleting it.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { ConfirmDialog } from "../gallery/confirm-dialog";
import { navigate } from "../router";
import { AssetCard, AssetFilterBar, fitsFilters } from "./asset-grid";
import { AssetViewer } from "./asset-viewer";
import { BoxList } from "./box-list";
import { deleteProjectText } from "./deletion-words";
import { InlineName } from "./inline-name";
import { mergeLoaded, upsertAsset, useAssetUpdates } from "./live-assets";
import { ExportPanel, SharePanel } from "./share-panel";
import { type Asset, type AssetFilters, type Box, type Project, problemText, studioApi } from "./studio-api";
import { ProblemNote } from "../problem-note";

export function ProjectPage({ projectId }: { projectId: string }) {
  const [project, setProject] = useState<Project | null>(null);
  const [boxes, setBoxes] = useState<Box[]>([]);
  const [assets, setAssets] = useState<Asset[]>([]);
  const [filters, setFilters] = useState<AssetFilters>({});
  const [boxName, setBoxName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const [viewing, setViewing] = useState<Asset | null>(null);
  const [deleting, setDeleting] = useState(false);
  // Box lists arrive out of order (a slow first load after an added box): only the newest request's answer is shown.
  const boxRequests = useRef(0);

  useEffect(() => {
    setMissing(false);
    const request = ++boxRequests.current;
    Promise.all([studioApi.project(projectId), studioApi.boxes(projectId)]).then(
      ([p, b]) => {
        if (request !== boxRequests.current) return;
        setProject(p);
        setBoxes(b);
        document.title = `${p.name} · Studio`;
      },
      () => setMissing(true),
    );
  }, [projectId]);
  useEffect(() => {
    studioApi.projectAssets(projectId, filters).then(
      (loaded) => setAssets((current) => mergeLoaded(loaded, current, (a) => fitsFilters(a, filters) && !filters.q)),
      (caught) => setError(problemText(caught)),
    );
  }, [projectId, filters.type, filters.status, filters.favorite, filters.q]);
  const boxIds = new Set(boxes.map((b) => b.id));
  useAssetUpdates(
    (asset) => {
      if (boxIds.has(asset.boxId))
        setAssets((list) => upsertAsset(list, asset, (a) => fitsFilters(a, filters) && (!filters.q || list.some((x) => x.id === a.id))));
    },
    [boxes, filters],
  );

  if (missing)
    return (
      <section class="empty-state">
        <h1>No such project</h1>
        <a class="button-link" href="/app/studio">
          Back to your projects
        </a>
      </section>
    );
  if (!project) return <p class="muted studio-loading">Loading…</p>;

  const addBox = async (event: Event) => {
    event.preventDefault();
    if (!boxName.trim()) return setError("Give the box a name.");
    const request = ++boxRequests.current;
    try {
      await studioApi.createBox(projectId, boxName.trim());
      setBoxName("");
      const fresh = await studioApi.boxes(projectId);
      if (request === boxRequests.current) setBoxes(fresh);
      setError(null);
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const reorder = async (ids: string[]) => {
    const before = boxes;
    const request = ++boxRequests.current;
    setBoxes(ids.map((id) => boxes.find((b) => b.id === id)!));
    try {
      const saved = await studioApi.reorderBoxes(projectId, ids);
      if (request === boxRequests.current) setBoxes(saved);
    } catch (caught) {
      setBoxes(before);
      setError(problemText(caught));
    }
  };
  const favorite = async (asset: Asset) => {
    try {
      const updated = await studioApi.setFavorite(asset.id, !asset.favorite);
      setAssets((list) => upsertAsset(list, updated, (a) => fitsFilters(a, filters)));
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const nameOfBox = (id: string) => boxes.find((b) => b.id === id)?.name;

  return (
    <div class="studio-page">
      <nav class="studio-crumbs" aria-label="Breadcrumb">
        <a href="/app/studio">Studio</a> <span aria-hidden="true">/</span> <span aria-current="page">{project.name}</span>
      </nav>
      <header class="studio-header">
        <InlineName
          name={project.name}
          label="project"
          onRename={async (name) => {
            setProject(await studioApi.renameProject(projectId, name));
          }}
        />
        <p class="muted small">
          {boxes.length} {boxes.length === 1 ? "box" : "boxes"} · {project.assetCount} {project.assetCount === 1 ? "asset" : "assets"}
        </p>
        <button type="button" class="secondary small danger-text" onClick={() => setDeleting(true)}>
          Delete project
        </button>
      </header>
      <ProblemNote text={error} />
      <div class="studio-columns">
        <div class="studio-main">
          <section class="studio-panel" aria-labelledby="boxes-title">
            <h2 id="boxes-title">Boxes</h2>
            <BoxList projectId={projectId} boxes={boxes} onReorder={(ids) => void reorder(ids)} />
            <form class="studio-inline-form" onSubmit={addBox}>
              <label>
                New box
                <input value={boxName} maxLength={200} placeholder="Opening shot" onInput={(e: Event) => setBoxName((e.target as HTMLInputElement).value)} />
              </label>
              <button type="submit" class="primary small">
                Add box
              </button>
            </form>
          </section>
          <section class="studio-panel" aria-labelledby="all-assets-title">
            <h2 id="all-assets-title">All assets</h2>
            <AssetFilterBar filters={filters} onChange={setFilters} />
            {assets.length === 0 ? (
              <p class="muted">Nothing matches.</p>
            ) : (
              <ul class="studio-grid">
                {assets.map((asset) => (
                  <AssetCard
                    key={asset.id}
                    asset={asset}
                    headliner={boxes.some((b) => b.headlinerAssetId === asset.id)}
                    onFavorite={(a) => void favorite(a)}
                    boxName={nameOfBox(asset.boxId)}
                    onOpen={setViewing}
                  />
                ))}
              </ul>
            )}
          </section>
        </div>
        <aside class="studio-side">
          <SharePanel projectId={projectId} />
          <ExportPanel projectId={projectId} projectName={project.name} />
        </aside>
      </div>
      {viewing && (
        <AssetViewer
          asset={viewing}
          onClose={() => setViewing(null)}
          onDeleted={(gone) => {
            setViewing(null);
            setAssets((list) => list.filter((a) => a.id !== gone.id));
            setProject({ ...project, assetCount: Math.max(0, project.assetCount - 1) });
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this project?"
          text={deleteProjectText(project.name, boxes.length, project.assetCount)}
          confirmLabel="Delete project"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await studioApi.deleteProject(projectId);
            navigate("/app/studio");
          }}
        />
      )}
    </div>
  );
}
