// A project's share links: create one (with an expiry), copy its address (shown once: only its
// fingerprint is kept), revoke any of them.
import { useEffect, useState } from "hono/jsx/dom";
import { CopyButton } from "../copy-button";
import { problemText, type ShareLink, studioApi } from "./studio-api";
import { dateTime } from "../format";
import { ProblemNote } from "../problem-note";

const EXPIRIES: { label: string; seconds?: number }[] = [
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
  { label: "Never (until revoked)" },
];

export function SharePanel({ projectId }: { projectId: string }) {
  const [links, setLinks] = useState<ShareLink[]>([]);
  const [expiry, setExpiry] = useState("1");
  const [created, setCreated] = useState<{ id: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = () => studioApi.shares(projectId).then(setLinks, (caught) => setError(problemText(caught)));
  useEffect(() => {
    void load();
  }, [projectId]);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const link = await studioApi.createShare(projectId, EXPIRIES[Number(expiry)]?.seconds);
      setCreated({ id: link.id, url: link.pageUrl });
      setError(null);
      await load();
    } catch (caught) {
      setError(problemText(caught));
    }
  };
  const revoke = async (id: string) => {
    try {
      await studioApi.revokeShare(id);
      if (created?.id === id) setCreated(null);
      await load();
    } catch (caught) {
      setError(problemText(caught));
    }
  };

  return (
    <section class="studio-panel" aria-labelledby="share-title">
      <h2 id="share-title">Share</h2>
      <p class="muted small">Anyone with a link sees the boxes and their finished assets, and can comment. They cannot change anything.</p>
      <form class="studio-inline-form" onSubmit={create}>
        <label>
          Link works for
          <select value={expiry} onChange={(e: Event) => setExpiry((e.target as HTMLSelectElement).value)}>
            {EXPIRIES.map((option, i) => (
              <option value={String(i)}>{option.label}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary small">
          Create link
        </button>
      </form>
      {created && (
        <div class="studio-created-link">
          <label>
            New link (shown only now)
            <input readOnly value={created.url} data-testid="share-url" onFocus={(e: Event) => (e.target as HTMLInputElement).select()} />
          </label>
          <CopyButton text={created.url} />
        </div>
      )}
      {links.length > 0 && (
        <ul class="studio-links">
          {links.map((link) => (
            <li data-testid="share-link">
              <span>
                Created {dateTime(link.createdAt)}
                {" · "}
                {link.expired ? <span class="error-text">expired</span> : link.expiresAt ? `until ${dateTime(link.expiresAt)}` : "no expiry"}
              </span>
              <button type="button" class="link danger" onClick={() => void revoke(link.id)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <ProblemNote text={error} />
    </section>
  );
}

/** Downloads the project as a Word document or a ZIP of the originals. */
export function ExportPanel({ projectId, projectName }: { projectId: string; projectName: string }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: "docx" | "zip") => {
    setBusy(format);
    setError(null);
    try {
      const blob = await studioApi.exportProject(projectId, format);
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = `${projectName.replace(/[\\/:*?"<>|]+/g, " ").trim() || "project"}.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="studio-panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p class="muted small">The Word document has a table per box with its headliner, prompt and settings; the ZIP has every finished original.</p>
      <div class="studio-actions">
        <button type="button" class="secondary small" disabled={busy !== null} onClick={() => void download("docx")}>
          {busy === "docx" ? "Preparing…" : "Download DOCX"}
        </button>
        <button type="button" class="secondary small" disabled={busy !== null} onClick={() => void download("zip")}>
          {busy === "zip" ? "Preparing…" : "Download ZIP"}
        </button>
      </div>
      <ProblemNote text={error} />
    </section>
  );
}
