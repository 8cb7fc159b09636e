// Generation from a box: pick a model, write the prompt, fill the model's settings; a video
// model can start from one of the box's pictures (image to video).
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { assetLabel } from "./asset-grid";
import { initialValues, ParamsForm, type ParamValues, readParams } from "./params-form";
import { type Asset, type Model, problemText, studioApi } from "./studio-api";
import { ProblemNote } from "../problem-note";

/** The kinds of model the form offers, in the order of its list (text models answer other screens). */
const MODEL_GROUPS = [
  { kind: "image", label: "Pictures" },
  { kind: "video", label: "Videos" },
] as const;

export function GeneratePanel({ boxId, pictures, onQueued }: { boxId: string; pictures: Asset[]; onQueued: (assets: Asset[]) => void }) {
  const [models, setModels] = useState<Model[] | null>(null);
  const [modelId, setModelId] = useState("");
  const [prompt, setPrompt] = useState("");
  const [count, setCount] = useState("1");
  const [parentId, setParentId] = useState("");
  const [values, setValues] = useState<ParamValues>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const modelChosen = useRef(false);

  useEffect(() => {
    studioApi.models().then(
      (all) => {
        // Text models answer with text, not pictures: a box holds images and videos only.
        const usable = all.filter((m) => m.kind !== "text");
        setModels(usable);
        // Only a first answer picks the model: settings typed meanwhile are the person's, not defaults to reset.
        if (usable[0] && !modelChosen.current) {
          modelChosen.current = true;
          setModelId(usable[0].id);
          setValues(initialValues(usable[0].paramsSchema));
        }
      },
      (caught) => setError(problemText(caught)),
    );
  }, []);

  const model = models?.find((m) => m.id === modelId);
  const choose = (id: string) => {
    modelChosen.current = true;
    setModelId(id);
    const next = models?.find((m) => m.id === id);
    setValues(next ? initialValues(next.paramsSchema) : {});
    setProblems({});
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!model) return;
    setError(null);
    if (!prompt.trim()) return setError("Write a prompt first.");
    const read = readParams(model.paramsSchema, values);
    if ("problems" in read) {
      setProblems(read.problems);
      return setError("Some settings need a change.");
    }
    setProblems({});
    setBusy(true);
    try {
      const queued = await studioApi.generate(boxId, {
        modelId: model.id,
        prompt: prompt.trim(),
        params: read.params,
        count: Number(count),
        ...(model.kind === "video" && parentId ? { parentAssetId: parentId } : {}),
      });
      onQueued(queued);
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };

  if (models === null) return <section class="studio-panel">{error ? <ProblemNote text={error} /> : <p class="muted">Loading models…</p>}</section>;
  if (models.length === 0) return <section class="studio-panel muted">No model is offered yet: an administrator adds providers and models.</section>;
  return (
    <form class="studio-panel studio-generate" onSubmit={submit} aria-labelledby="generate-title" noValidate>
      <h2 id="generate-title">Generate</h2>
      <div class="studio-param">
        <label for="generate-model">Model</label>
        <select id="generate-model" value={modelId} onChange={(e: Event) => choose((e.target as HTMLSelectElement).value)}>
          {/* Grouped by what they make: a suffix on every name ("… (drawn from the prompt) (picture)") cut the chosen one short on a phone. */}
          {MODEL_GROUPS.map(({ kind, label }) => {
            const ofKind = models.filter((m) => m.kind === kind);
            return (
              ofKind.length > 0 && (
                <optgroup label={label}>
                  {ofKind.map((m) => (
                    <option value={m.id}>{m.name}</option>
                  ))}
                </optgroup>
              )
            );
          })}
        </select>
      </div>
      <div class="studio-param">
        <label for="generate-prompt">Prompt</label>
        <textarea
          id="generate-prompt"
          rows={3}
          maxLength={4000}
          value={prompt}
          placeholder="What to make"
          onInput={(e: Event) => setPrompt((e.target as HTMLTextAreaElement).value)}
        />
      </div>
      {model?.kind === "video" && (
        <label>
          Start from a picture
          <select value={parentId} onChange={(e: Event) => setParentId((e.target as HTMLSelectElement).value)}>
            <option value="">None (text to video)</option>
            {pictures.map((picture) => (
              <option value={picture.id}>{assetLabel(picture).slice(0, 60)}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        How many
        <select value={count} onChange={(e: Event) => setCount((e.target as HTMLSelectElement).value)}>
          {[1, 2, 3, 4].map((n) => (
            <option value={String(n)}>{n}</option>
          ))}
        </select>
      </label>
      {model && <ParamsForm schema={model.paramsSchema} values={values} problems={problems} onChange={setValues} />}
      <ProblemNote text={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Queuing…" : "Generate"}
      </button>
    </form>
  );
}
