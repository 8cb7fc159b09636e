import { chatAccount } from "../../shared/chat/account";
import { chatErrors } from "../../shared/chat/errors";
import { chatVarSection } from "../../shared/chat/vars";
import { chatRoutes } from "../api/routes/chats";
import { peopleRoutes } from "../api/routes/people";
import { defineModule, mount } from "../module-manifest";

/** Chats, members and messages (ChatRoom); people (cards and the directory). */
export const chatModule = defineModule({
  name: "chat",
  routes: { chats: mount("/v1/chats", chatRoutes), people: mount("/v1", peopleRoutes) },
  account: chatAccount,
  vars: chatVarSection,
  errors: chatErrors,
});
