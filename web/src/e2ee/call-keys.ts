// Calls of encrypted chats are sealed with SFrame under the chat's MLS keys (docs/e2ee.md, "Calls
// (SFrame)"): the call controllers ask the call key directory for a call's keys, and this one
// answers with the group of the call's chat when that chat is encrypted. When this device cannot
// seal such a call it says why (CallNotEncryptable), and the call does not go ahead here.
import { BROWSER_CANNOT_ENCRYPT, CallNotEncryptable, canEncryptCalls, installCallKeyDirectory } from "../call-encryption";
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
      // Before waiting for the group: a browser that cannot seal frames never joins, keys or not.
      if (!canEncryptCalls()) throw new CallNotEncryptable(BROWSER_CANNOT_ENCRYPT);
      const keys = await EncryptedChat.for(chat.id)
        .callKeys()
        .catch(() => null);
      if (!keys)
        throw new CallNotEncryptable("This chat's calls are end-to-end encrypted, and this device does not have the chat's keys yet. Try again in a moment.");
      return keys;
    },
  });
}
