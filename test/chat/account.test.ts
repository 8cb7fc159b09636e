import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatAccount } from "../../shared/chat/account";
import { clock } from "../../shared/clock";
import { api, json } from "../helpers";
import { getChat, type MessageBody, postMessage, usersAndGroup } from "./fixtures";
import { accountModules } from "../../workers/modules";
import { testDeps } from "../kit/deps";

describe("data export (section chat)", () => {
  it("lists the user's chats and exactly the messages they sent", async () => {
    const { users, chat } = await usersAndGroup(2);
    await postMessage(chat.id, users[0]!, "mine");
    await postMessage(chat.id, users[1]!, "not mine");
    const exported = (await chatAccount.exportData!(testDeps(), users[0]!.id)) as { chats: { id: string; messagesSent: MessageBody[] }[] };
    const ids = exported.chats.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(["general", chat.id]));
    expect(exported.chats.find((c) => c.id === chat.id)!.messagesSent.map((m) => m.text)).toEqual(["mine"]);
  });
});

describe("account deletion", () => {
  it("removes memberships, hands owned groups on, and leaves messages with the sender unlinked", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [leaving, staying] = users as [(typeof users)[0], (typeof users)[0]];
    await postMessage(chat.id, leaving, "my words stay");
    const deps = testDeps();
    const steps = await Promise.all(accountModules.flatMap((module) => (module.onDelete ? [module.onDelete(deps, leaving.id, clock.now())] : [])));
    // The modules' statements are prepared on the platform's (measured) D1, so the batch runs there too, as account deletion does.
    const d1 = deps.db.$client;
    await d1.batch([...steps.flatMap((step) => step.statements), d1.prepare("DELETE FROM users WHERE id = ?").bind(leaving.id)]);
    for (const step of steps) await step.afterwards?.();

    const remaining = await env.DB.prepare("SELECT COUNT(*) AS n FROM chat_members WHERE user_id = ?").bind(leaving.id).first<{ n: number }>();
    expect(remaining!.n).toBe(0);
    const seen = await getChat(chat.id, staying);
    expect(seen.ownerId).toBe(staying.id);
    expect(seen.memberIds).toEqual([staying.id]);
    const history = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: staying.accessToken }));
    expect(history.items[0]).toMatchObject({ text: "my words stay", senderId: null });
  });
});

describe("DELETE /v1/me with chats", () => {
  it("end to end: the account goes, its messages stay in the room with the sender unlinked", async () => {
    const { users, chat } = await usersAndGroup(2);
    const [leaving, staying] = users as [(typeof users)[0], (typeof users)[0]];
    await postMessage(chat.id, leaving, "said before leaving");
    const response = await api("/v1/me", { method: "DELETE", token: leaving.accessToken, body: { password: leaving.password } });
    expect(response.status).toBe(204);
    const seen = await getChat(chat.id, staying);
    expect(seen.memberIds).toEqual([staying.id]);
    expect(seen.ownerId).toBe(staying.id);
    const history = await json<{ items: MessageBody[] }>(await api(`/v1/chats/${chat.id}/messages`, { token: staying.accessToken }));
    expect(history.items[0]).toMatchObject({ text: "said before leaving", senderId: null });
    const incomplete = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE user_id = ? AND type = 'account.deletion_incomplete'")
      .bind(leaving.id)
      .first<{ n: number }>();
    expect(incomplete?.n).toBe(0);
  });
});
