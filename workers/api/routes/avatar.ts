import { z } from "@hono/zod-openapi";
import { announceProfileChange } from "../../../shared/identity/account/account-module";
import { findUserById, toPublicUser } from "../../../shared/identity/account/users";
import { jsonBody, jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { useFileAsAvatar } from "../../../shared/media/avatars";
import { createRouter } from "../context";
import { authedRoute } from "../middleware/auth";
import { UserSchema } from "./identity-schemas";

const AvatarBody = z
  .object({ fileId: z.string().min(1).max(64) })
  .strict()
  .openapi("SetAvatarRequest");

/** Mounted at /v1/me/avatar. */
export const avatarRoutes = createRouter().openapi(
  authedRoute({
    method: "put",
    path: "/",
    tags: ["media"],
    summary: "Use one of your image files as your avatar",
    description:
      "The file (purpose `avatar` or `image`) becomes public; `avatarUrl` points at its 256x256 square variant. Deleting the file clears the avatar.",
    request: { body: jsonBody(AvatarBody) },
    responses: { 200: jsonResponse(z.object({ user: UserSchema }), "The user with the new avatarUrl"), ...problemResponses(400, 401, 404) },
  }),
  async (c) => {
    const userId = c.get("principal").userId;
    await useFileAsAvatar(c.get("deps"), userId, c.req.valid("json").fileId);
    const user = (await findUserById(c.get("deps").db, userId))!;
    await announceProfileChange(c.get("deps"), c.get("accountModules"), { id: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl });
    return c.json({ user: toPublicUser(user) }, 200);
  },
);
