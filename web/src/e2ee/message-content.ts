// What a message of an encrypted chat is to this device, and the words for one it cannot read.
import type { FoldedMessage } from "./history-fold";

/** What a message of the chat is to this device. */
export type MessageContent =
  | ({ state: "opened" } & FoldedMessage)
  /** Not opened yet (it is being decrypted). */
  | { state: "pending" }
  | { state: "before_joining" }
  | { state: "undecryptable" };

/** Words for a message this device cannot read, never an error's text. */
export function unreadableWords(content: Exclude<MessageContent, { state: "opened" }>): string {
  switch (content.state) {
    case "pending":
      return "Decrypting…";
    case "before_joining":
      return "Sent before this device joined this chat";
    case "undecryptable":
      return "This message could not be decrypted";
  }
}
