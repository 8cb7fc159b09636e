import { z } from "@hono/zod-openapi";
import { CALL_STATUSES, CALL_TYPES } from "./call";

/** A call as clients see it, in REST replies and in `call.state` / `call.incoming` frames. */
export const CallSchema = z
  .object({
    id: z.string(),
    callerId: z.string(),
    calleeId: z.string(),
    type: z.enum(CALL_TYPES),
    status: z.enum(CALL_STATUSES),
    createdAt: z.string(),
    answeredAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    durationSeconds: z.number().int().nullable(),
    endedBy: z.string().nullable().openapi({ description: "Who ended, rejected or hung up; null when the call timed out or was abandoned" }),
  })
  .openapi("Call");
