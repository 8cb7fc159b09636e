import type { AccountDeletionStep, AccountModule } from "../identity/account/account-module";
import type { Env } from "../env";
import { joinGeneralChatStatements } from "./chats";
import type { Message } from "./model";
import { chatRoom } from "./room-client";

interface MembershipRow {
  chat_id: string;
  type: "general" | "direct" | "group";
  title: string | null;
  role: "owner" | "member";
  joined_at: number;
}

async function membershipsOf(env: Env, userId: string): Promise<MembershipRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT m.chat_id, c.type, c.title, m.role, m.joined_at FROM chat_members m JOIN chats c ON c.id = m.chat_id
      WHERE m.user_id = ? AND c.deleted_at IS NULL ORDER BY m.joined_at`,
  )
    .bind(userId)
    .all<MembershipRow>();
  return results;
}

/** The user's chats and every message they sent (GET /v1/me/export, section `chat`). */
export async function exportChatData(env: Env, userId: string) {
  const memberships = await membershipsOf(env, userId);
  const chats: { id: string; type: string; title: string | null; role: string; joinedAt: string; messagesSent: Message[] }[] = [];
  for (const membership of memberships) {
    chats.push({
      id: membership.chat_id,
      type: membership.type,
      title: membership.title,
      role: membership.role,
      joinedAt: new Date(membership.joined_at).toISOString(),
      messagesSent: await chatRoom(env, membership.chat_id).messagesBySender(userId),
    });
  }
  return { chats };
}

/**
 * DELETE /v1/me: memberships go in the same batch as the user; groups they owned pass to the
 * longest-standing member (or close when nobody is left). Their messages stay for the others
 * with `senderId: null` and their reactions go, done in each room after the batch.
 */
export async function chatAccountDeletion(env: Env, userId: string, now: number): Promise<AccountDeletionStep> {
  const chatIds = (await membershipsOf(env, userId)).map((m) => m.chat_id);
  const db = env.DB;
  const statements = [
    db
      .prepare(
        `UPDATE chats SET owner_id = (SELECT user_id FROM chat_members m WHERE m.chat_id = chats.id AND m.user_id <> ?1 ORDER BY joined_at, user_id LIMIT 1)
          WHERE owner_id = ?1 AND type = 'group'`,
      )
      .bind(userId),
    db.prepare("DELETE FROM chat_members WHERE user_id = ?").bind(userId),
    db
      .prepare(
        `UPDATE chat_members SET role = 'owner' WHERE role <> 'owner' AND chat_id IN (SELECT value FROM json_each(?1))
          AND user_id = (SELECT owner_id FROM chats WHERE chats.id = chat_members.chat_id)`,
      )
      .bind(JSON.stringify(chatIds)),
    db
      .prepare("UPDATE chats SET deleted_at = ?2 WHERE type = 'group' AND owner_id IS NULL AND deleted_at IS NULL AND id IN (SELECT value FROM json_each(?1))")
      .bind(JSON.stringify(chatIds), now),
  ];
  return {
    statements,
    afterwards: async () => {
      await Promise.all(chatIds.map((chatId) => chatRoom(env, chatId).anonymiseSender(userId)));
    },
  };
}

/** Chat's part of an account: every user joins the general chat, exports and deletes as above. */
export const chatAccount: AccountModule = {
  name: "chat",
  onRegister: (env, userId, now) => joinGeneralChatStatements(env.DB, userId, now),
  exportData: exportChatData,
  onDelete: chatAccountDeletion,
};
