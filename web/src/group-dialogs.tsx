// Groups in the web app: create one from people you know, and its info panel (members by name,
// verifying each, rename, add and remove for the owner, leave for everyone).
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { type Chat, ok, type Person } from "../../client";
import { Avatar } from "./chat-list";
import { DeviceChangeNotice } from "./e2ee/verification";
import { personLabel } from "./format";
import { platform } from "./platform";
import { PersonDialog } from "./profile-dialog";
import { navigate } from "./router";
import { store, useAppState } from "./store";
import { problemText } from "./problem-text";
import { ProblemNote } from "./problem-note";
import { ModalDialog } from "./modal-dialog";

/** People to pick (GET /v1/people, searched by name), each with a check box. */
function PeoplePicker({ picked, onToggle, exclude = [] }: { picked: ReadonlySet<string>; onToggle: (person: Person) => void; exclude?: readonly string[] }) {
  const [found, setFound] = useState<Person[]>([]);
  const searched = useRef(0);
  const search = async (q: string) => {
    const ticket = ++searched.current;
    const page = await ok(platform.api.v1.people.$get({ query: q.trim() ? { q: q.trim(), limit: "30" } : { limit: "30" } })).catch(() => null);
    if (!page || ticket !== searched.current) return;
    store.rememberPeople(page.items);
    setFound(page.items);
  };
  useEffect(() => {
    void search("");
  }, []);
  return (
    <div class="stack">
      <input
        type="search"
        placeholder="Search people by name"
        aria-label="Search people to add"
        autocomplete="off"
        onInput={(e: Event) => void search((e.target as HTMLInputElement).value)}
      />
      <ul class="people-list" aria-label="People to add">
        {found
          .filter((person) => !exclude.includes(person.id))
          .map((person) => (
            <li key={person.id}>
              <label class="person-item">
                <input type="checkbox" checked={picked.has(person.id)} onChange={() => onToggle(person)} />
                <Avatar label={person.displayName} colourKey={person.id} size={28} src={person.avatarUrl} />
                <span>{person.displayName}</span>
              </label>
            </li>
          ))}
      </ul>
    </div>
  );
}

/** New group: a title and the people in it. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const toggle = (person: Person) => {
    const next = new Set(picked);
    if (!next.delete(person.id)) next.add(person.id);
    setPicked(next);
  };
  const create = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const title = String(form.get("title") ?? "").trim();
    const encrypted = form.get("encrypted") === "on";
    try {
      const chat = await ok(platform.api.v1.chats.$post({ json: { type: "group", title, memberIds: [...picked], encrypted } }));
      store.upsertChat(chat as Chat);
      onClose();
      navigate({ name: "chat", chatId: chat.id });
    } catch (caught) {
      setError(problemText(caught, "Could not create the group"));
    }
  };
  return (
    <ModalDialog label="New group" onClose={onClose} onSubmit={create}>
      <h2>New group</h2>
      <label>
        Group name
        <input name="title" required maxlength={120} placeholder="Family" autocomplete="off" />
      </label>
      <PeoplePicker picked={picked} onToggle={toggle} />
      <label class="e2ee-choice">
        <input type="checkbox" name="encrypted" checked aria-describedby="e2ee-choice-help" />
        <span>
          <strong>End-to-end encrypted</strong>
          <span id="e2ee-choice-help" class="muted small">
            Only the members' devices can read the messages, files and calls; the server cannot, nor search them. A device reads what is sent after it joins.
            This cannot be changed later.
          </span>
        </span>
      </label>
      <ProblemNote text={error} />
      <div class="row end">
        <button type="button" class="secondary" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" class="primary">
          Create group{picked.size > 0 ? ` (${picked.size + 1})` : ""}
        </button>
      </div>
    </ModalDialog>
  );
}

interface Member {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  role: "owner" | "member";
}

/** A group's members by name; the owner renames, adds and removes; anyone leaves. */
export function GroupInfoDialog({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const { me } = useAppState();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [adding, setAdding] = useState<ReadonlySet<string> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [person, setPerson] = useState<string | null>(null);
  const owner = chat.ownerId === me?.id;
  const id = chat.id;

  const load = async () => {
    const all: Member[] = [];
    let cursor: string | undefined;
    do {
      const page = await ok(platform.api.v1.chats[":id"].members.$get({ param: { id }, query: cursor ? { cursor, limit: "100" } : { limit: "100" } }));
      all.push(...(page.items as Member[]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    store.rememberPeople(all.map((m) => ({ id: m.userId, displayName: m.displayName, avatarUrl: m.avatarUrl })));
    setMembers(all);
  };
  useEffect(() => {
    void load().catch((caught) => setError(problemText(caught, "Could not load the members")));
  }, [id]);

  const act = async (work: () => Promise<unknown>, fallback: string) => {
    try {
      await work();
      setError(null);
    } catch (caught) {
      setError(problemText(caught, fallback));
    }
  };
  const rename = (event: Event) => {
    event.preventDefault();
    const title = String(new FormData(event.target as HTMLFormElement).get("title") ?? "").trim();
    void act(
      async () => store.upsertChat((await ok(platform.api.v1.chats[":id"].$patch({ param: { id }, json: { title } }))) as Chat),
      "Could not rename the group",
    );
  };
  const remove = (userId: string) =>
    act(async () => {
      await ok(platform.api.v1.chats[":id"].members[":userId"].$delete({ param: { id, userId } }));
      if (userId === me?.id) {
        store.set({ chats: store.state.chats.filter((c) => c.id !== id) });
        onClose();
        navigate({ name: "chats" });
      } else {
        // The chat as it is now (its members): an encrypted chat's group follows at once.
        store.upsertChat((await ok(platform.api.v1.chats[":id"].$get({ param: { id } }))) as Chat);
        await load();
      }
    }, "Could not remove");
  const add = () =>
    act(async () => {
      if (!adding || adding.size === 0) return;
      store.upsertChat((await ok(platform.api.v1.chats[":id"].members.$post({ param: { id }, json: { userIds: [...adding] } }))) as Chat);
      setAdding(null);
      await load();
    }, "Could not add");

  if (person) return <PersonDialog userId={person} onClose={() => setPerson(null)} />;
  return (
    <ModalDialog label="Group info" onClose={onClose}>
      <DeviceChangeNotice userIds={(members ?? []).map((m) => m.userId)} />
      <h2>{chat.title}</h2>
      {owner && (
        <form class="row rename-row" onSubmit={rename}>
          <input name="title" value={chat.title ?? ""} required maxlength={120} aria-label="Group name" />
          <button type="submit" class="secondary">
            Rename
          </button>
        </form>
      )}
      <h3 class="small muted">{members ? `${members.length} members` : "Members"}</h3>
      <ul class="people-list" aria-label="Members">
        {(members ?? []).map((member) => (
          <li key={member.userId} class="person-item" data-member-id={member.userId}>
            <Avatar label={member.displayName} colourKey={member.userId} size={28} src={member.avatarUrl} />
            <span class="grow">
              {member.userId === me?.id ? `${personLabel(member.userId, me)} (you)` : member.displayName}
              {member.role === "owner" && <span class="muted small"> · owner</span>}
            </span>
            {member.userId !== me?.id && (
              <span class="row member-actions">
                <button type="button" class="secondary small" aria-label={`Verify ${member.displayName}`} onClick={() => setPerson(member.userId)}>
                  Verify
                </button>
                {owner && (
                  <button type="button" class="secondary small" aria-label={`Remove ${member.displayName}`} onClick={() => void remove(member.userId)}>
                    Remove
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
      </ul>
      {owner &&
        (adding ? (
          <div class="stack">
            <PeoplePicker
              picked={adding}
              exclude={(members ?? []).map((m) => m.userId)}
              onToggle={(person) => {
                const next = new Set(adding);
                if (!next.delete(person.id)) next.add(person.id);
                setAdding(next);
              }}
            />
            <div class="row end">
              <button type="button" class="secondary" onClick={() => setAdding(null)}>
                Cancel
              </button>
              <button type="button" class="primary" onClick={() => void add()}>
                Add {adding.size > 0 ? adding.size : ""}
              </button>
            </div>
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setAdding(new Set())}>
            Add people
          </button>
        ))}
      <ProblemNote text={error} />
      <div class="row end">
        {owner && (
          <button type="button" class="danger secondary" onClick={() => void deleteChatAfterConfirming(chat, onClose)}>
            Delete group
          </button>
        )}
        <button type="button" class="danger secondary" onClick={() => me && void remove(me.id)}>
          Leave group
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

/** Deletes the chat for everyone in it, once the person confirmed (direct: either side; group: the owner). */
export async function deleteChatAfterConfirming(chat: Chat, done: () => void): Promise<void> {
  const what = chat.type === "group" ? `the group "${chat.title}"` : "this chat";
  if (!confirm(`Delete ${what} and its messages for everyone in it? This cannot be undone.`)) return;
  try {
    await ok(platform.api.v1.chats[":id"].$delete({ param: { id: chat.id } }));
    store.set({ chats: store.state.chats.filter((c) => c.id !== chat.id) });
    done();
    navigate({ name: "chats" });
  } catch (caught) {
    store.set({ notice: problemText(caught, "Could not delete the chat") });
  }
}
