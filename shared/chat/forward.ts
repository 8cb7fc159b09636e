import type { Principal } from "../identity/sessions/principal";
import type { Deps } from "../platform/deps-types";
import { unwrap } from "../platform/refusal-error";
import type { StoredMessage } from "./chat-room-rpc";
import { requireMembership } from "./chats";

/**
 * Forwards a message, Telegram-like: the copy in `toChatId` carries the original's text and files
 * (by reference: the target chat is granted the files, nothing is copied) and says whom and which
 * chat it comes from. The forwarder must be a member of both chats (404 otherwise, as for any chat
 * one cannot see) and the original live. A forward of a forward keeps the first origin.
 */
export async function forwardMessage(
  deps: Deps,
  principal: Principal,
  fromChatId: string,
  messageId: string,
  forward: { toChatId: string; clientId: string },
): Promise<StoredMessage> {
  await requireMembership(deps, fromChatId, principal.userId);
  await requireMembership(deps, forward.toChatId, principal.userId);
  const original = unwrap(await deps.objects.chatRoom(fromChatId).forwardableMessage(messageId));
  const forwardedFrom = original.forwardedFrom ?? { senderId: original.senderId, chatId: fromChatId };
  const sender = { userId: principal.userId, role: principal.role };
  return unwrap(
    await deps.objects.chatRoom(forward.toChatId).forwardMessage(sender, {
      clientId: forward.clientId,
      text: original.text,
      attachments: original.attachments,
      forwardedFrom,
      fromChatId,
    }),
  );
}
