// The owner edits a picture's title, description and tags in place of its text.
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { type GalleryImage, parseTags } from "./model";
import { ProblemNote } from "../problem-note";

export function EditImageForm({ image, onSaved, onCancel }: { image: GalleryImage; onSaved: (image: GalleryImage) => void; onCancel: () => void }) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const title = String(form.get("title") ?? "").trim();
    if (!title) {
      setError("Give the picture a title.");
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const description = String(form.get("description") ?? "").trim();
      const json = { title, description: description || null, tags: parseTags(String(form.get("tags") ?? "")) };
      onSaved(await ok(platform.api.v1.images[":id"].$patch({ param: { id: image.id }, json })));
    } catch (caught) {
      setError(problemText(caught, "The changes were not saved. Try again."));
      setSaving(false);
    }
  };
  return (
    <form class="edit-image stack" aria-label="Edit the picture" onSubmit={(e: Event) => void save(e)} data-testid="edit-image">
      <label>
        Title
        <input name="title" value={image.title} maxLength={200} required />
      </label>
      <label>
        Description
        <textarea name="description" rows={4} maxLength={5000}>
          {image.description ?? ""}
        </textarea>
      </label>
      <label>
        Tags
        <input name="tags" value={image.tags.join(", ")} placeholder="sea, sunset" />
        <span class="muted small">Separated by commas or spaces; up to 20.</span>
      </label>
      <ProblemNote text={error} />
      <div class="row end">
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={saving}>
          {saving ? "Saving…" : "Save"}
        </button>
      </div>
    </form>
  );
}
