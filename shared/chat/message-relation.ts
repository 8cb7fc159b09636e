import { z } from "@hono/zod-openapi";

/**
 * An encrypted chat's edit or reaction, as its public metadata says: which message it changes (the
 * change itself is encrypted). A module of its own: the room parses it (so not ./schemas.ts, which
 * only the API builds), and ./model.ts derives its type.
 */
export const MessageRelationSchema = z
  .object({
    kind: z.enum(["edit", "reaction"]),
    id: z.string().openapi({ description: "The message it changes" }),
  })
  .openapi("ChatMessageRelation");
