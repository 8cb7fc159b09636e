// A project's boxes in their order. Drag a box by its handle to move it; or, from the keyboard,
// its Move up / Move down buttons. Either way the whole new order is saved in one request.
import { useState } from "hono/jsx/dom";
import type { Box } from "./studio-api";

export function BoxList({ projectId, boxes, onReorder }: { projectId: string; boxes: Box[]; onReorder: (ids: string[]) => void }) {
  const [dragged, setDragged] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  const ids = boxes.map((b) => b.id);
  const move = (id: string, to: number) => {
    const from = ids.indexOf(id);
    if (from < 0 || to < 0 || to >= ids.length || from === to) return;
    const next = [...ids];
    next.splice(from, 1);
    next.splice(to, 0, id);
    const name = boxes.find((b) => b.id === id)?.name ?? "";
    setAnnounce(`${name} is now number ${to + 1} of ${ids.length}`);
    onReorder(next);
  };
  if (boxes.length === 0) return <p class="muted">No boxes yet: add one for each shot.</p>;
  return (
    <>
      <ol class="studio-boxes" aria-label="Boxes in order">
        {boxes.map((box, index) => (
          <li
            class={`${dragged === box.id ? "dragging" : ""} ${over === box.id && dragged !== box.id ? "drop-target" : ""}`}
            data-testid="studio-box"
            draggable
            onDragStart={(event: DragEvent) => {
              setDragged(box.id);
              event.dataTransfer?.setData("text/plain", box.id);
              if (event.dataTransfer) event.dataTransfer.effectAllowed = "move";
            }}
            onDragOver={(event: DragEvent) => {
              event.preventDefault();
              setOver(box.id);
            }}
            onDragLeave={() => setOver((current) => (current === box.id ? null : current))}
            onDrop={(event: DragEvent) => {
              event.preventDefault();
              const id = event.dataTransfer?.getData("text/plain") || dragged;
              setDragged(null);
              setOver(null);
              if (id) move(id, index);
            }}
            onDragEnd={() => {
              setDragged(null);
              setOver(null);
            }}
          >
            <span class="studio-handle" aria-hidden="true" title="Drag to reorder">
              ⠿
            </span>
            <span class="studio-box-index">{index + 1}</span>
            <a class="studio-box-link" href={`/app/studio/projects/${encodeURIComponent(projectId)}/boxes/${encodeURIComponent(box.id)}`}>
              <strong>{box.name}</strong>
              <span class="muted small">
                {box.assetCount} {box.assetCount === 1 ? "asset" : "assets"}
                {box.headlinerAssetId ? " · headliner set" : ""}
              </span>
            </a>
            {box.unreadComments > 0 && (
              <span class="badge" title="New comments" data-testid="unread-comments">
                {box.unreadComments}
                <span class="visually-hidden"> new comments</span>
              </span>
            )}
            <span class="studio-move">
              <button type="button" class="icon-button small" aria-label={`Move ${box.name} up`} disabled={index === 0} onClick={() => move(box.id, index - 1)}>
                ↑
              </button>
              <button
                type="button"
                class="icon-button small"
                aria-label={`Move ${box.name} down`}
                disabled={index === boxes.length - 1}
                onClick={() => move(box.id, index + 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p class="visually-hidden" aria-live="polite">
        {announce}
      </p>
    </>
  );
}
