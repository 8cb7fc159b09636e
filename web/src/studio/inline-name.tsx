// A name shown as a heading with a Rename button that turns it into a small form.
import { useState } from "hono/jsx/dom";
import { problemText } from "./studio-api";
import { ProblemNote } from "../problem-note";

export function InlineName({
  name,
  label,
  onRename,
  heading = "h1",
}: {
  name: string;
  label: string;
  onRename: (name: string) => Promise<void>;
  heading?: "h1" | "h2";
}) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!editing) {
    const Heading = heading;
    return (
      <div class="studio-name">
        <Heading class="studio-title">{name}</Heading>
        <button
          type="button"
          class="link"
          aria-label={`Rename ${label} ${name}`}
          onClick={() => {
            setValue(name);
            setError(null);
            setEditing(true);
          }}
        >
          Rename
        </button>
      </div>
    );
  }
  const save = async (event: Event) => {
    event.preventDefault();
    const next = value.trim();
    if (!next) return setError("A name cannot be empty.");
    setBusy(true);
    try {
      await onRename(next);
      setEditing(false);
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="studio-name editing" onSubmit={save}>
      <label class="visually-hidden" for="rename-input">
        New name of the {label}
      </label>
      <input
        id="rename-input"
        value={value}
        maxLength={200}
        autofocus
        onInput={(e: Event) => setValue((e.target as HTMLInputElement).value)}
        onKeyDown={(e: KeyboardEvent) => e.key === "Escape" && setEditing(false)}
      />
      <button type="submit" class="primary small" disabled={busy}>
        Save
      </button>
      <button type="button" class="secondary small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ProblemNote text={error} />
    </form>
  );
}
