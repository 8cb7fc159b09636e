// The profile: the name and picture others see, and a short bio.
import { useState } from "hono/jsx/dom";
import { ok } from "../../client";
import { AccountSecurity } from "./account-security";
import { Avatar } from "./chat-list";
import { platform } from "./platform";
import { store, type User, useAppState } from "./store";
import { problemText } from "./problem-text";

export function ProfileDialog({ onClose }: { onClose: () => void }) {
  const { me } = useAppState();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [security, setSecurity] = useState(false);
  if (!me) return null;
  if (security) return <AccountSecurity onClose={onClose} />;

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

  return (
    <div class="dialog-backdrop" onClick={(e: Event) => e.target === e.currentTarget && onClose()}>
      <form class="dialog" role="dialog" aria-label="Your profile" onSubmit={save}>
        <h2>Your profile</h2>
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
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row end">
          {saved && <span class="muted small">Saved</span>}
          <button type="button" class="secondary" onClick={() => setSecurity(true)}>
            Security
          </button>
          <button type="button" class="secondary" onClick={onClose}>
            Close
          </button>
          <button type="submit" class="primary">
            Save
          </button>
        </div>
      </form>
    </div>
  );
}
