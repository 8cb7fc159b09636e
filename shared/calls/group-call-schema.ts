import { z } from "@hono/zod-openapi";
import { CALL_TYPES } from "./call";
import { GROUP_CALL_STATUSES } from "./group-call";

export const GroupParticipantSchema = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    joinedAt: z.string(),
    audio: z.boolean().openapi({ description: "Sending audio (false: muted), as the participant's client reports it" }),
    video: z.boolean().openapi({ description: "Sending video (false: camera off)" }),
  })
  .openapi("GroupCallParticipant");

/** A group call as clients see it, in REST replies and in `group_call.*` / `room.state` frames. */
export const GroupCallSchema = z
  .object({
    id: z.string(),
    kind: z.literal("group"),
    chatId: z.string(),
    type: z.enum(CALL_TYPES),
    startedBy: z.string(),
    status: z.enum(GROUP_CALL_STATUSES),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
    topology: z.enum(["mesh", "sfu"]).openapi({
      description:
        "How media flows: `mesh`, every participant's browser to every other's; `sfu`, each browser to Cloudflare Realtime SFU over the `sfu.*` frames. A call can move from `mesh` to `sfu` while it runs (announced in `room.state`), never back.",
    }),
    maxParticipants: z.number().int(),
    participants: z.array(GroupParticipantSchema).openapi({ description: "Who is in the call now, in joining order" }),
  })
  .openapi("GroupCall");

/** The chat list's and header's view of a chat's running call: who is in it. */
export const ActiveGroupCallSchema = z
  .object({
    id: z.string(),
    type: z.enum(CALL_TYPES),
    participants: z.array(z.object({ userId: z.string(), displayName: z.string(), joinedAt: z.string() })),
  })
  .openapi("ActiveGroupCall");
