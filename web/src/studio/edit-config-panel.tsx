// The Smart Edit configuration (admins): the system prompt that frames a user's words when they
// edit a picture, and the default params under theirs. Saving makes a new version; every version
// stays listed with who saved it and why, and restoring one saves its words as the newest.
import type { InferResponseType } from "hono/client";
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { dateTime, personLabel } from "../format";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { ProblemNote } from "../problem-note";

const editConfig = platform.api.v1.studio["edit-config"];
type Version = InferResponseType<(typeof editConfig.versions)["$get"], 200>["items"][number];

const PLACEHOLDER = "{{prompt}}";

function paramsText(params: Record<string, unknown>): string {
  return Object.keys(params).length === 0 ? "" : JSON.stringify(params, null, 2);
}

export function EditConfigPanel() {
  const { me } = useAppState();
  const [current, setCurrent] = useState<Version | null | undefined>(undefined);
  const [versions, setVersions] = useState<Version[]>([]);
  const [prompt, setPrompt] = useState("");
  const [params, setParams] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const [{ current: inForce }, history] = await Promise.all([ok(editConfig.$get()), ok(editConfig.versions.$get({ query: { limit: "50" } }))]);
    setCurrent(inForce);
    setVersions(history.items);
    setPrompt(inForce?.systemPrompt ?? `Edit the picture as asked: ${PLACEHOLDER}`);
    setParams(paramsText(inForce?.params ?? {}));
  };
  useEffect(() => {
    load().catch((caught) => setError(problemText(caught)));
  }, []);

  const save = async (change: { systemPrompt: string; params: Record<string, unknown>; note: string }) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const version = await ok(editConfig.$put({ json: { ...change, expectedVersion: current?.version ?? 0 } }));
      setNote("");
      // The confirmation appears with the form already showing the version now in force.
      await load().finally(() => setSaved(`Saved as version ${version.version}.`));
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    let parsed: Record<string, unknown> = {};
    if (params.trim()) {
      try {
        const value = JSON.parse(params) as unknown;
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
        parsed = value as Record<string, unknown>;
      } catch {
        setError('Default params must be a JSON object, such as {"strength": 0.6}.');
        return;
      }
    }
    if (!prompt.includes(PLACEHOLDER)) {
      setError(`Say where the user's words go with ${PLACEHOLDER}.`);
      return;
    }
    void save({ systemPrompt: prompt.trim(), params: parsed, note: note.trim() });
  };

  if (current === undefined && !error) return <p class="muted">Loading…</p>;
  return (
    <section class="edit-config" aria-label="Smart Edit configuration">
      <p class="muted small">
        {current
          ? `Version ${current.version} in force since ${dateTime(current.createdAt)}.`
          : "No configuration saved yet: edits send the user's words as they are."}
      </p>
      <form class="edit-config-form" onSubmit={submit}>
        <label>
          System prompt
          <textarea rows={5} maxLength={4000} value={prompt} onInput={(e: Event) => setPrompt((e.target as HTMLTextAreaElement).value)} />
        </label>
        <p class="muted small">The user's words go where {PLACEHOLDER} stands.</p>
        <label>
          Default params (JSON)
          <textarea rows={3} value={params} placeholder='{"strength": 0.6}' onInput={(e: Event) => setParams((e.target as HTMLTextAreaElement).value)} />
        </label>
        <label>
          Why it changed
          <input value={note} maxLength={500} onInput={(e: Event) => setNote((e.target as HTMLInputElement).value)} />
        </label>
        <div class="row end">
          <button type="submit" class="primary" disabled={busy}>
            Save new version
          </button>
        </div>
        {saved && (
          <p class="small" role="status">
            {saved}
          </p>
        )}
        <ProblemNote text={error} small />
      </form>
      <h2>Versions</h2>
      {versions.length === 0 ? (
        <p class="muted">No versions yet.</p>
      ) : (
        <ol class="jobs-list edit-config-versions" aria-label="Versions">
          {versions.map((version) => (
            <li class="card jobs-item" data-version={version.version}>
              <p>
                <strong>Version {version.version}</strong>
                {version.version === current?.version ? " (in force)" : ""} · {personLabel(version.createdBy, me)} · {dateTime(version.createdAt)}
              </p>
              {version.note && <p class="small">{version.note}</p>}
              <p class="small studio-admin-text">{version.systemPrompt}</p>
              {version.version !== current?.version && (
                <div class="row end">
                  <button
                    type="button"
                    class="secondary"
                    disabled={busy}
                    onClick={() => void save({ systemPrompt: version.systemPrompt, params: version.params, note: `Restored version ${version.version}` })}
                  >
                    Restore
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
