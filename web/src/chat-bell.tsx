// The chat header's notification level: all messages, mentions only, or none (per chat, per user).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../client";
import { platform } from "./platform";
import { store } from "./store";

type Level = "all" | "mentions" | "off";
const LABELS: Record<Level, string> = { all: "Notify: all", mentions: "Notify: @mentions", off: "Muted" };

export function ChatBell({ chatId }: { chatId: string }) {
  const [level, setLevel] = useState<Level | null>(null);
  useEffect(() => {
    let current = true;
    setLevel(null);
    void ok(platform.api.v1.chats[":id"].notifications.$get({ param: { id: chatId } })).then(
      (answer) => current && setLevel(answer.level),
      () => current && setLevel(null),
    );
    return () => {
      current = false;
    };
  }, [chatId]);
  if (!level) return null;
  const change = async (next: Level) => {
    const previous = level;
    setLevel(next);
    try {
      const answer = await ok(platform.api.v1.chats[":id"].notifications.$put({ param: { id: chatId }, json: { level: next } }));
      setLevel(answer.level);
    } catch {
      setLevel(previous);
      store.set({ notice: "Could not change this chat's notifications" });
    }
  };
  return (
    <select
      class="chat-bell"
      aria-label="Notifications for this chat"
      title="Notifications for this chat"
      data-testid="chat-bell"
      value={level}
      onChange={(event: Event) => void change((event.target as HTMLSelectElement).value as Level)}
    >
      {(Object.keys(LABELS) as Level[]).map((option) => (
        <option value={option} selected={option === level}>
          {LABELS[option]}
        </option>
      ))}
    </select>
  );
}
