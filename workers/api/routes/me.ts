import { createRoute, z } from "@hono/zod-openapi";
import { findUserById, toPublicUser, updateProfile } from "../../../shared/auth/users";
import { clock } from "../../../shared/clock";
import { notFound } from "../../../shared/http/errors";
import { bearerSecurity, jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { createRouter } from "../context";
import { requireAuth } from "../middleware/auth";
import { DisplayName, UserSchema } from "./auth";

const ProfilePatch = z
  .object({
    displayName: DisplayName.optional(),
    bio: z.string().trim().max(1000).nullable().optional(),
    avatarUrl: z.string().trim().url().max(2048).refine((u) => /^https?:\/\//.test(u), "Must be an http(s) URL").nullable().optional(),
    locale: z.string().trim().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "Must be a BCP 47 language tag").max(35).nullable().optional(),
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat("en", { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, "Must be an IANA time zone")
      .nullable()
      .optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, "Send at least one field to change")
  .openapi("ProfilePatch");

const UserEnvelope = z.object({ user: UserSchema });

const router = createRouter();
router.use(requireAuth);

export const meRoutes = router
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["identity"],
      summary: "The current user",
      security: bearerSecurity,
      responses: { 200: jsonResponse(UserEnvelope, "The user"), ...problemResponses(401) },
    }),
    async (c) => {
      const user = await findUserById(c.get("db"), c.get("principal").userId);
      if (!user) throw notFound("User not found");
      return c.json({ user: toPublicUser(user) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/",
      tags: ["identity"],
      summary: "Change the current user's profile",
      security: bearerSecurity,
      request: { body: jsonBody(ProfilePatch) },
      responses: { 200: jsonResponse(UserEnvelope, "The updated user"), ...problemResponses(400, 401, 415) },
    }),
    async (c) => {
      const user = await updateProfile(c.get("db"), c.get("principal").userId, c.req.valid("json"), clock.date());
      return c.json({ user: toPublicUser(user) }, 200);
    },
  );
