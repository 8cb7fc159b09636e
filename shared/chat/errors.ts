import { defineErrors } from "../http/errors";

/** The error codes of chats and messages. */
export const chatErrors = defineErrors({
  invalid_direct_chat: { status: 400, description: "A direct chat needs exactly one other, existing user." },
  unknown_users: { status: 400, description: "Some of the user ids named do not exist." },
  unknown_attachment: { status: 400, description: "An attachment names no file of the sender." },
  invalid_seq: { status: 400, description: "A read position (`seq`) is past the newest message." },
  not_message_sender: { status: 403, description: "Only the sender edits a message (or a moderator deletes it)." },
  message_not_found: { status: 404, description: "No such message in this chat." },
  message_deleted: { status: 409, description: "A deleted message cannot be edited, replied to, pinned, forwarded or take reactions." },
  attachment_gone: { status: 409, description: "A file of the message being forwarded is no longer available in the chat it comes from." },
  pin_not_allowed: { status: 403, description: "Only moderators pin messages in the general chat." },
  too_many_pins: { status: 409, description: "The chat already has the most pinned messages (50): unpin one first." },
  general_chat_protected: { status: 403, description: "The general chat cannot be deleted, left or end-to-end encrypted." },
  chat_already_encrypted: {
    status: 409,
    description: "The chat is end-to-end encrypted already (since its creation or since it was turned on); encryption is never turned off.",
  },
  general_members_hidden: {
    status: 403,
    description: "The general chat holds every account: its members are listed only in invite-only deployments and to admins.",
  },
  not_a_group: { status: 403, description: "Only group chats have members to add or remove." },
  group_too_large: { status: 409, description: "The group would exceed CHAT_MAX_GROUP_MEMBERS." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    chat: typeof chatErrors;
  }
}
