// The moderators' "Studio" tab (/app/moderation/studio): every user's projects, boxes, assets and
// comments, searchable; hide one from share links or show it again, or delete it, each with a
// reason the audit log keeps. Admins also find the Smart Edit configuration here
// (edit-config-panel.tsx): the system prompt and default params, its versions, and a restore.
import type { InferResponseType } from "hono/client";
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { LoadMore, type Page, usePagedList } from "../gallery/paged-list";
import { moderationTabs } from "../moderation";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { EditConfigPanel } from "./edit-config-panel";
import { dateTime } from "../format";
import { ProblemNote } from "../problem-note";

type AdminStudio = (typeof platform.api.v1.admin.studio)[":kind"];
type Item = InferResponseType<AdminStudio["$get"], 200>["items"][number];
type Kind = Item["kind"];
type Visibility = "all" | "hidden" | "visible";

const KINDS: { kind: Kind; label: string }[] = [
  { kind: "projects", label: "Projects" },
  { kind: "boxes", label: "Boxes" },
  { kind: "assets", label: "Assets" },
  { kind: "comments", label: "Comments" },
];

const NOUN: Record<Kind, string> = { projects: "project", boxes: "box", assets: "asset", comments: "comment" };

function itemsPage(kind: Kind, q: string, visibility: Visibility, cursor: string | undefined): Promise<Page<Item>> {
  const query = {
    limit: "20",
    ...(q ? { q } : {}),
    ...(visibility === "all" ? {} : { hidden: visibility === "hidden" ? ("true" as const) : ("false" as const) }),
    ...(cursor ? { cursor } : {}),
  };
  return ok(platform.api.v1.admin.studio[":kind"].$get({ param: { kind }, query }));
}

function StudioTab() {
  const { me } = useAppState();
  const [view, setView] = useState<"content" | "smart-edit">("content");
  const isAdmin = me?.role === "admin";
  return (
    <div class="studio-admin">
      {isAdmin && (
        <nav class="segmented" aria-label="Studio administration">
          <button type="button" class={view === "content" ? "tab active" : "tab"} aria-pressed={view === "content" ? "true" : "false"} onClick={() => setView("content")}>
            Content
          </button>
          <button type="button" class={view === "smart-edit" ? "tab active" : "tab"} aria-pressed={view === "smart-edit" ? "true" : "false"} onClick={() => setView("smart-edit")}>
            Smart Edit
          </button>
        </nav>
      )}
      {view === "smart-edit" && isAdmin ? <EditConfigPanel /> : <ContentList />}
    </div>
  );
}

function ContentList() {
  const [kind, setKind] = useState<Kind>("projects");
  const [typed, setTyped] = useState("");
  const [q, setQ] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("all");
  const list = usePagedList(`${kind}|${q}|${visibility}`, (cursor) => itemsPage(kind, q, visibility, cursor));
  return (
    <section aria-label="Studio content">
      <nav class="segmented" aria-label="What to list">
        {KINDS.map((k) => (
          <button type="button" class={k.kind === kind ? "tab active" : "tab"} aria-pressed={k.kind === kind ? "true" : "false"} onClick={() => setKind(k.kind)}>
            {k.label}
          </button>
        ))}
      </nav>
      <form
        class="studio-admin-filters"
        aria-label="Search the studio"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQ(typed.trim());
        }}
      >
        <label>
          Search
          <input type="search" value={typed} maxLength={200} placeholder="Name, prompt, comment or owner's e-mail" onInput={(e: Event) => setTyped((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Show
          <select value={visibility} onChange={(e: Event) => setVisibility((e.target as HTMLSelectElement).value as Visibility)}>
            <option value="all">Everything</option>
            <option value="hidden">Hidden only</option>
            <option value="visible">Visible only</option>
          </select>
        </label>
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <ProblemNote text={list.error} small />
      {!list.loading && list.done && list.items.length === 0 && <p class="muted">Nothing matches.</p>}
      <ul class="jobs-list" aria-label={KINDS.find((k) => k.kind === kind)!.label}>
        {list.items.map((item) => (
          <ItemCard
            item={item}
            onChanged={(changed) => (changed ? list.replace(changed, (a, b) => a.id === b.id) : list.remove((other) => other.id !== item.id))}
          />
        ))}
      </ul>
      <LoadMore list={list} />
    </section>
  );
}

function ItemCard({ item, onChanged }: { item: Item; onChanged: (changed: Item | null) => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const target = { param: { kind: item.kind, id: item.id } };
  const act = async (action: "hide" | "unhide" | "delete") => {
    if (action !== "unhide" && !reason.trim()) {
      setError("Give a reason: the owner's audit trail keeps it.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const node = platform.api.v1.admin.studio[":kind"][":id"];
      if (action === "hide") {
        await ok(node.hide.$post({ ...target, json: { reason: reason.trim() } }));
        onChanged({ ...item, hidden: { at: new Date().toISOString(), reason: reason.trim() } });
      } else if (action === "unhide") {
        await ok(node.unhide.$post(target));
        onChanged({ ...item, hidden: null });
      } else {
        await ok(node.$delete({ ...target, json: { reason: reason.trim() } }));
        onChanged(null);
      }
      setReason("");
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  const owner = item.owner.displayName ?? item.owner.email ?? "a deleted account";
  return (
    <li class="card jobs-item studio-admin-item" data-item={item.id}>
      <p class="studio-admin-text">{item.text || <span class="muted">(no words)</span>}</p>
      <p class="muted small">
        {NOUN[item.kind]} of {owner}
        {item.owner.email && item.owner.displayName ? ` (${item.owner.email})` : ""}
        {item.detail ? ` · ${item.kind === "comments" ? `by ${item.detail}` : item.detail}` : ""} · {dateTime(item.createdAt)}
      </p>
      {item.hidden && (
        <p class="small studio-admin-hidden">
          Hidden from share links{item.hidden.reason ? `: ${item.hidden.reason}` : ""}
        </p>
      )}
      <label class="small">
        Reason
        <input value={reason} maxLength={1000} onInput={(e: Event) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <div class="row end">
        {item.hidden ? (
          <button type="button" class="secondary" disabled={busy} onClick={() => void act("unhide")}>
            Show again
          </button>
        ) : (
          <button type="button" class="secondary" disabled={busy} onClick={() => void act("hide")}>
            Hide
          </button>
        )}
        <button type="button" class="primary danger" disabled={busy} onClick={() => void act("delete")}>
          Delete
        </button>
      </div>
      <ProblemNote text={error} small />
    </li>
  );
}

moderationTabs.push({ id: "studio", label: "Studio", Screen: StudioTab });
