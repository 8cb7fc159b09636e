import type { AccountDeletionStep, AccountModule } from "../identity/account/account-module";
import type { Deps } from "../platform/deps-types";
import { toD1Statements } from "../db/records";
import type { Message } from "./model";
import { announcePerson } from "./people";
import { forgetChatMemberQueries, joinGeneralChatQueries, listFormerMembershipsOf, listMembershipsOf } from "./records";

/** The user's chats, those they left included, and every message they sent (GET /v1/me/export, section `chat`). */
export async function exportChatData(deps: Deps, userId: string) {
  const { db } = deps;
  const chats: { id: string; type: string; title: string | null; role: string; joinedAt: string | null; leftAt: string | null; messagesSent: Message[] }[] = [];
  for (const membership of await listMembershipsOf(db, userId)) {
    chats.push({
      id: membership.chatId,
      type: membership.type,
      title: membership.title,
      role: membership.role,
      joinedAt: membership.joinedAt.toISOString(),
      leftAt: null,
      messagesSent: await deps.objects.chatRoom(membership.chatId).messagesBySender(userId),
    });
  }
  for (const former of await listFormerMembershipsOf(db, userId)) {
    chats.push({
      id: former.chatId,
      type: former.type,
      title: former.title,
      role: "former_member",
      joinedAt: null,
      leftAt: former.leftAt.toISOString(),
      messagesSent: await deps.objects.chatRoom(former.chatId).messagesBySender(userId),
    });
  }
  return { chats };
}

/**
 * DELETE /v1/me: memberships (current and former) go in the same batch as the user; groups they owned pass to the
 * longest-standing member (or close when nobody is left). Their messages stay for the others
 * with `senderId: null` and their reactions go, done after the batch in each room they are or
 * were a member of.
 */
export async function chatAccountDeletion(deps: Deps, userId: string, now: number): Promise<AccountDeletionStep> {
  const { db } = deps;
  const chatIds = (await listMembershipsOf(db, userId)).map((m) => m.chatId);
  // Rooms they left still hold their messages and reactions.
  const roomIds = [...chatIds, ...(await listFormerMembershipsOf(db, userId)).map((f) => f.chatId)];
  const statements = toD1Statements(db, forgetChatMemberQueries(db, userId, chatIds, now));
  return {
    statements,
    afterwards: async () => {
      await Promise.all(roomIds.map((chatId) => deps.objects.chatRoom(chatId).anonymiseSender(userId)));
    },
  };
}

/** Chat's part of an account: every user joins the general chat, exports and deletes as above. */
export const chatAccount: AccountModule = {
  name: "chat",
  onRegister: (deps, userId, now) => {
    const { db } = deps;
    return toD1Statements(db, joinGeneralChatQueries(db, userId, now));
  },
  exportData: (deps, userId) => exportChatData(deps, userId),
  onDelete: (deps, userId, now) => chatAccountDeletion(deps, userId, now),
  onProfileChanged: (deps, person) => announcePerson(deps, person),
};
