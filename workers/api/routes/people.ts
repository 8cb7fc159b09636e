import { z } from "@hono/zod-openapi";
import { PersonSchema } from "../../../shared/chat/schemas";
import { directory, personCard } from "../../../shared/chat/people";
import { presenceOf } from "../../../shared/chat/presence";
import { IdParam, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { PageQuery } from "../../../shared/http/pagination";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";

const tags = ["people"];

const PresenceSchema = z
  .union([z.object({ visible: z.literal(true), online: z.boolean(), lastSeenAt: z.string().nullable() }), z.object({ visible: z.literal(false) })])
  .openapi("Presence");

const PeoplePage = z.object({ items: z.array(PersonSchema), nextCursor: z.string().nullable() }).openapi("PersonPage");
const PeopleQuery = PageQuery.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Words the name starts with, in any script and case (`ма` finds `Мама`)" }),
});

/** People: a person's card by id, and the directory of people the caller may find by name. */
export const peopleRoutes = createRouter()
  .openapi(
    authedRoute({
      method: "get",
      path: "/users/{id}",
      tags,
      summary: "A person's public card: name and picture",
      description: "Any signed-in user may look a person up by id (ids are not guessable). Unknown, deleted and disabled accounts are 404.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(PersonSchema, "The person"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await personCard(c.get("deps"), c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/users/{id}/presence",
      tags,
      summary: "Whether a person is online, or when they were last seen",
      description:
        "Between people who share a direct or group chat, while both show theirs (`presenceVisibility: chats`, the default; `PATCH /v1/me`): who hides their own sees nobody's. Otherwise `{visible: false}`. `online`: a device of theirs has the app open (a hub socket); `lastSeenAt`: when their last one closed.",
      request: { params: IdParam },
      responses: { 200: jsonResponse(PresenceSchema, "Their presence, or that it is not shown to you"), ...problemResponses(400, 401, 404) },
    }),
    async (c) => c.json(await presenceOf(c.get("deps"), c.get("principal"), c.req.valid("param").id), 200),
  )
  .openapi(
    authedRoute({
      method: "get",
      path: "/people",
      tags,
      summary: "The directory: people the caller can start a chat with, by name",
      description:
        "The people the caller shares a direct or group chat with. Where the general chat's members are visible to the caller (an invite-only deployment, `REGISTRATION_MODE=invite`, where everyone was let in by someone; or an admin), everyone. In an open-registration deployment a stranger who registers therefore finds nobody they have not chatted with: people meet through a group, an invite, or an id shared out of band. Sorted by name; `q` matches the beginnings of words of the name.",
      request: { query: PeopleQuery },
      responses: { 200: jsonResponse(PeoplePage, "A page of people"), ...problemResponses(400, 401) },
    }),
    async (c) => c.json(await directory(c.get("deps"), c.get("principal"), c.req.valid("query")), 200),
  );
