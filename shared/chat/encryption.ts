import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { unwrap } from "../platform/refusal-error";
import { ApiError, conflict, forbidden } from "../http/errors";
import { getChat, requireMembership } from "./chats";
import type { Chat } from "./model";
import { listMemberIds, markChatEncrypted, setEncryptedFromSeq } from "./records";

/** How many of the newest messages are read to find the last plain one when encryption turns on. */
const BOUNDARY_PAGE = 50;

/**
 * `POST /v1/chats/:id/encryption`: an existing direct or group chat becomes end-to-end encrypted
 * (docs/e2ee.md, "An existing chat converts"), for good. Who may: either member of a direct chat,
 * the owner of a group (the one who renames it and adds and removes its members); never the
 * general chat, whose room holds every account. Its earlier messages stay exactly as they were,
 * readable by the members and the server; from the answer on, the room takes only MLS messages.
 */
export async function turnOnEncryption(deps: Deps, principal: Principal, chatId: string): Promise<Chat> {
  const row = await requireMembership(deps, chatId, principal.userId);
  if (row.type === "general") throw new ApiError(403, "general_chat_protected", "The general chat holds every account: it is not end-to-end encrypted");
  if (row.type === "group" && row.ownerId !== principal.userId) throw forbidden("Only the group's owner turns on end-to-end encryption");
  if (row.encrypted || !(await markChatEncrypted(deps.db, chatId, deps.clock.now()))) {
    throw conflict("chat_already_encrypted", "This chat is end-to-end encrypted already");
  }
  const room = deps.objects.chatRoom(chatId);
  // The room keeps what it read from D1 (members, their devices, whether the chat is encrypted)
  // until the Worker says it changed; from this call on it refuses plain text.
  await room.membershipChanged([]);
  await setEncryptedFromSeq(deps.db, chatId, firstEncryptedSeq(unwrap(await room.listMessages({ limit: BOUNDARY_PAGE }))));
  const members = (await listMemberIds(deps.db, [chatId])).get(chatId) ?? [];
  // Every member's devices learn it from their hubs, each with their own read position.
  await Promise.allSettled(
    members.map(async (memberId) => deps.objects.userHub(memberId).notify({ type: "chat.updated", chat: await getChat(deps, chatId, memberId) })),
  );
  return getChat(deps, chatId, principal.userId);
}

/**
 * The seq after the newest plain message: where the line "messages from here on are encrypted"
 * goes. Read once the room refuses plain text, so no plain message comes after it; an MLS message
 * may already have followed (a device that started the group at once), which the line then precedes.
 */
export function firstEncryptedSeq(newestFirst: { items: { seq: number; mls?: string | null }[] }): number {
  const { items } = newestFirst;
  const plain = items.find((message) => message.mls == null);
  if (plain) return plain.seq + 1;
  return items.length > 0 ? Math.min(...items.map((message) => message.seq)) : 1;
}
