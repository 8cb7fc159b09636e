// The profile: the name and picture others see, a short bio and who sees when you're online. The
// same form is the account screen's first panel and the profile dialog the shell opens.
import { useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { Avatar } from "../chat-list";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { store, type User, useAppState } from "../store";
import { ProblemNote } from "../problem-note";
import { ModalDialog } from "../modal-dialog";

/**
 * The form with its Save button; `title`, `more` (the ways on to other settings, a line of their
 * own under the form) and `actions` (Close, beside Save) are the dialog's, and with `dialog` the
 * form is that dialog.
 */
export function ProfileForm({
  title,
  more,
  actions,
  dialog,
}: {
  title?: unknown;
  more?: unknown;
  actions?: unknown;
  dialog?: { label: string; onClose: () => void };
}) {
  const { me } = useAppState();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [uploading, setUploading] = useState(false);
  if (!me) return null;

  const keep = (user: User) => store.set({ me: { ...me, ...user } });
  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const bio = String(form.get("bio") ?? "").trim();
    const presenceVisibility = form.get("presenceVisibility") === "nobody" ? "nobody" : "chats";
    try {
      const { user } = await ok(
        platform.api.v1.me.$patch({ json: { displayName: String(form.get("displayName") ?? ""), bio: bio || null, presenceVisibility } }),
      );
      keep(user as User);
      setSaved(true);
      setError(null);
    } catch (caught) {
      setError(problemText(caught, "Could not save."));
    }
  };
  const pickPicture = async (event: Event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    setUploading(true);
    try {
      const uploaded = await platform.uploadFile(file, { purpose: "avatar", name: file.name });
      const { user } = await ok(platform.api.v1.me.avatar.$put({ json: { fileId: uploaded.id } }));
      keep(user as User);
      setError(null);
    } catch (caught) {
      setError(problemText(caught, "Could not use that picture."));
    } finally {
      setUploading(false);
    }
  };

  const fields = (
    <>
      {title}
      <div class="row">
        <Avatar label={me.displayName} colourKey={me.id} size={64} src={me.avatarUrl} />
        <label class="secondary small button-like">
          {uploading ? "Uploading…" : "Change picture"}
          <input type="file" accept="image/*" hidden onChange={pickPicture} data-testid="avatar-input" />
        </label>
      </div>
      <label>
        Your name
        <input name="displayName" required maxlength={80} value={me.displayName} autocomplete="name" />
      </label>
      <label>
        About you
        <textarea name="bio" rows={3} maxlength={1000} placeholder="A line others see on your card">
          {me.bio ?? ""}
        </textarea>
      </label>
      <label>
        Show when I'm online
        <select name="presenceVisibility" value={me.presenceVisibility ?? "chats"}>
          <option value="chats">To people I chat with</option>
          <option value="nobody">To nobody (and see nobody's)</option>
        </select>
      </label>
      <p class="muted small">Signed in as {me.email}</p>
      {more && (
        <nav class="row wrap profile-more" aria-label="More settings">
          {more}
        </nav>
      )}
      <ProblemNote text={error} />
      <div class="row end">
        {saved && <span class="muted small">Saved</span>}
        {actions}
        <button type="submit" class="primary">
          Save
        </button>
      </div>
    </>
  );
  return dialog ? (
    <ModalDialog label={dialog.label} onClose={dialog.onClose} onSubmit={save}>
      {fields}
    </ModalDialog>
  ) : (
    <form class="stack" onSubmit={save}>
      {fields}
    </form>
  );
}

export function ProfilePanel() {
  return <ProfileForm />;
}
