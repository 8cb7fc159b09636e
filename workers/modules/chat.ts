import { chatAccount } from "../../shared/chat/account";
import { chatErrors } from "../../shared/chat/errors";
import { chatVarSection } from "../../shared/chat/vars";
import { defineModule, mount } from "../module-manifest";

/** Chats, members and messages (ChatRoom); people (cards and the directory). */
export const chatModule = defineModule({
  name: "chat",
  routes: {
    chats: mount("/v1/chats", async () => (await import("../api/routes/chats")).chatRoutes),
    people: mount("/v1", async () => (await import("../api/routes/people")).peopleRoutes),
  },
  account: chatAccount,
  vars: chatVarSection,
  errors: chatErrors,
});
