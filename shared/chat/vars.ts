import { defineVars, numberWhereVar, type ParsedVars, rateLimitVar, varSection } from "../var-declarations";

/** The vars of chats and chat rooms. */
export const chatVars = defineVars({
  CHAT_MAX_GROUP_MEMBERS: numberWhereVar(200, (n) => Number.isInteger(n) && n >= 2, { description: "Most members a group chat may have, owner included." }),
  CHAT_FANOUT_SHARDS: numberWhereVar(8, (n) => Number.isInteger(n) && n >= 0 && n <= 256, {
    description:
      "Fan-out shards of the general chat (every account): its sockets are spread over this many objects, each user's on one, and the room hands each stored message to each once. 0: the room holds every socket itself.",
  }),
  RATE_LIMIT_CHAT_MESSAGES: rateLimitVar({ limit: 10, windowSeconds: 1 }, { description: "Messages one user may send in one chat (counted by the room)." }),
  RATE_LIMIT_CHAT_TYPING: rateLimitVar({ limit: 10, windowSeconds: 10 }, { description: "`typing` frames per user in one room." }),
  RATE_LIMIT_CHAT_READS: rateLimitVar({ limit: 30, windowSeconds: 10 }, { description: "`read` frames per user in one room." }),
  RATE_LIMIT_CHAT_EDITS: rateLimitVar({ limit: 20, windowSeconds: 10 }, { description: "Edit and delete frames per user in one room." }),
  RATE_LIMIT_CHAT_REACTIONS: rateLimitVar({ limit: 30, windowSeconds: 10 }, { description: "`reaction` frames per user in one room." }),
  RATE_LIMIT_GROUPS_PER_USER: rateLimitVar({ limit: 10, windowSeconds: 3600 }, { description: "Group chats one user may create." }),
});

function chatConfig(v: ParsedVars) {
  return {
    chat: { maxGroupMembers: v.CHAT_MAX_GROUP_MEMBERS, fanoutShards: v.CHAT_FANOUT_SHARDS },
    rateLimits: {
      chatMessages: v.RATE_LIMIT_CHAT_MESSAGES,
      /** Per user, per room, kept in the room's memory (message.send has chatMessages). */
      chatFrames: {
        typing: v.RATE_LIMIT_CHAT_TYPING,
        read: v.RATE_LIMIT_CHAT_READS,
        edit: v.RATE_LIMIT_CHAT_EDITS,
        reaction: v.RATE_LIMIT_CHAT_REACTIONS,
        ping: v.RATE_LIMIT_SOCKET_PINGS,
      },
      groupsPerUser: v.RATE_LIMIT_GROUPS_PER_USER,
    },
  };
}

export const chatVarSection = varSection("chat", chatVars, chatConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    chat: typeof chatVars;
  }
  interface ConfigSections {
    chat: ReturnType<typeof chatConfig>;
  }
}
