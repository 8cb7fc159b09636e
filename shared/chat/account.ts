import type { AccountDeletionStep, AccountModule } from "../identity/account/account-module";
import type { Env } from "../env";
import { createDatabase } from "../db/client";
import { toD1Statements } from "../db/records";
import type { Message } from "./model";
import { forgetChatMemberQueries, joinGeneralChatQueries, listMembershipsOf } from "./records";
import { chatRoom } from "./room-client";

/** The user's chats and every message they sent (GET /v1/me/export, section `chat`). */
export async function exportChatData(env: Env, userId: string) {
  const memberships = await listMembershipsOf(createDatabase(env.DB), userId);
  const chats: { id: string; type: string; title: string | null; role: string; joinedAt: string; messagesSent: Message[] }[] = [];
  for (const membership of memberships) {
    chats.push({
      id: membership.chatId,
      type: membership.type,
      title: membership.title,
      role: membership.role,
      joinedAt: membership.joinedAt.toISOString(),
      messagesSent: await chatRoom(env, membership.chatId).messagesBySender(userId),
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
  const db = createDatabase(env.DB);
  const chatIds = (await listMembershipsOf(db, userId)).map((m) => m.chatId);
  const statements = toD1Statements(db, forgetChatMemberQueries(db, userId, chatIds, now));
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
  onRegister: (env, userId, now) => {
    const db = createDatabase(env.DB);
    return toD1Statements(db, joinGeneralChatQueries(db, userId, now));
  },
  exportData: exportChatData,
  onDelete: chatAccountDeletion,
};
