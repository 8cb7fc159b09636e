import { chatAccount } from "../../shared/chat/account";
import { chatErrors } from "../../shared/chat/errors";
import { chatVarSection } from "../../shared/chat/vars";
import { chatRoutes } from "../api/routes/chats";
import { defineModule, mount } from "../module-manifest";

/** Chats, members and messages (ChatRoom). */
export const chatModule = defineModule({
  name: "chat",
  routes: { chats: mount("/v1/chats", chatRoutes) },
  account: chatAccount,
  vars: chatVarSection,
  errors: chatErrors,
});
