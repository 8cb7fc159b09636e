// Account-wide notifications (GET/PATCH /v1/me/notification-settings): whether a push shows the
// message or only that one came, quiet hours, and who still rings during them.
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { chatTitle, directPeer } from "../format";
import { platform } from "../platform";
import { problemText } from "../problem-text";
import { useAppState } from "../store";
import { ProblemNote } from "../problem-note";

type Settings = { content: "full" | "none"; quietHours: { start: string; end: string; timezone: string } | null; callsAllowedFrom: string[] };

export function NotificationsPanel() {
  const { me, chats } = useAppState();
  const [settings, setSettings] = useState<Settings | null>(null);
  const [saved, setSaved] = useState(false);
  // Held here: the store re-renders this panel (presence, chats), which would reset an uncontrolled select.
  const [content, setContent] = useState<"full" | "none" | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ok(platform.api.v1.me["notification-settings"].$get())
      .then((answer) => setSettings(answer as Settings))
      .catch((caught) => setError(problemText(caught, "Could not load your notification settings.")));
  }, []);
  if (!settings) return <ProblemNote text={error} />;
  // The people one may let through quiet hours: those of the direct chats.
  const contacts = chats.flatMap((chat) => {
    const id = directPeer(chat, me);
    return id ? [{ id, name: chatTitle(chat, me) }] : [];
  });
  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const quiet = form.get("quiet") === "on";
    setError(null);
    setSaved(false);
    try {
      const answer = await ok(
        platform.api.v1.me["notification-settings"].$patch({
          json: {
            content: content ?? settings.content,
            quietHours: quiet
              ? {
                  start: String(form.get("start") || "22:00"),
                  end: String(form.get("end") || "07:00"),
                  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
                }
              : null,
            callsAllowedFrom: form.getAll("caller").map(String),
          },
        }),
      );
      setSettings(answer as Settings);
      setSaved(true);
    } catch (caught) {
      setError(problemText(caught, "Could not save your notification settings."));
    }
  };
  return (
    <form class="stack" onSubmit={save}>
      <label>
        What a notification shows
        <select
          name="content"
          value={content ?? settings.content}
          onChange={(event: Event) => setContent((event.target as HTMLSelectElement).value === "none" ? "none" : "full")}
        >
          <option value="full">The sender and the message</option>
          <option value="none">Only that a message came</option>
        </select>
      </label>
      <label class="choice">
        <input type="checkbox" name="quiet" checked={settings.quietHours !== null} />
        Quiet hours: no message notifications, no ringing
      </label>
      <div class="row">
        <label class="grow">
          From
          <input type="time" name="start" value={settings.quietHours?.start ?? "22:00"} />
        </label>
        <label class="grow">
          Until
          <input type="time" name="end" value={settings.quietHours?.end ?? "07:00"} />
        </label>
      </div>
      <fieldset class="stack">
        <legend class="muted small">Who may still call during quiet hours</legend>
        {contacts.length === 0 && <p class="muted small">Nobody: start a chat with someone to let them through.</p>}
        {contacts.map((contact) => (
          <label key={contact.id} class="choice">
            <input type="checkbox" name="caller" value={contact.id} checked={settings.callsAllowedFrom.includes(contact.id)} />
            {contact.name}
          </label>
        ))}
      </fieldset>
      <div class="row end">
        {saved && <span class="muted small">Saved</span>}
        <button type="submit" class="primary">
          Save notification settings
        </button>
      </div>
      <ProblemNote text={error} />
    </form>
  );
}
