// Calls of encrypted chats are sealed with SFrame under the chat's MLS keys (docs/e2ee.md, "Calls
// (SFrame)"): the call controllers ask the call key directory for a call's keys, and this one
// answers with the group of the call's chat when that chat is encrypted.
import { installCallKeyDirectory } from "../call-encryption";
import { store } from "../store";
import { EncryptedChat } from "./encrypted-chat";

export function installEncryptedCallKeys(): void {
  installCallKeyDirectory({
    async keysFor(request) {
      const chat =
        request.kind === "group"
          ? store.state.chats.find((c) => c.id === request.chatId)
          : store.state.chats.find((c) => c.type === "direct" && c.memberIds?.includes(request.peerId));
      if (!chat?.encrypted) return null;
      return EncryptedChat.for(chat.id).callKeys();
    },
  });
}
