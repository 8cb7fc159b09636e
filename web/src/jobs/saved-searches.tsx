// Saved searches: the current search kept for the daily e-mail digest of new matches.
import { useEffect, useState } from "hono/jsx/dom";
import { deleteSavedSearch, type SavedSearch, savedSearches, saveSearch, type SearchQuery } from "./api";
import { problemText } from "../problem-text";

export function SavedSearches({ current }: { current: SearchQuery | null }) {
  const [items, setItems] = useState<SavedSearch[]>([]);
  const [name, setName] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    void savedSearches()
      .then(setItems)
      .catch(() => setItems([]));
  }, []);
  const save = async (event: Event) => {
    event.preventDefault();
    if (!current || !name.trim()) return;
    const { limit: _limit, cursor: _cursor, ...query } = current;
    try {
      const saved = await saveSearch(name.trim(), query);
      setItems([saved, ...items]);
      setName("");
      setMessage("Saved: new matches come by e-mail once a day");
    } catch (caught) {
      setMessage(problemText(caught));
    }
  };
  const remove = async (id: string) => {
    try {
      await deleteSavedSearch(id);
      setItems(items.filter((item) => item.id !== id));
    } catch (caught) {
      setMessage(problemText(caught));
    }
  };
  return (
    <section class="card jobs-saved" aria-label="Saved searches">
      <form class="jobs-filter-row" onSubmit={save}>
        <label>
          Save this search as
          <input value={name} maxLength={120} placeholder="Go jobs near Berlin" onInput={(e: Event) => setName((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="secondary" disabled={!current || !name.trim()}>
          Save
        </button>
      </form>
      {message && (
        <p class="small" role="status">
          {message}
        </p>
      )}
      {items.length > 0 && (
        <ul class="jobs-plain-list small">
          {items.map((item) => (
            <li class="row spread">
              <span>{item.name}</span>
              <button type="button" class="secondary small" aria-label={`Delete the saved search ${item.name}`} onClick={() => void remove(item.id)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
