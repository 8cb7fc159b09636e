import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH } from "../../../shared/identity/credentials/passwords";

// Request and reply shapes used by more than one identity router.

export const identityTags = ["identity"];

export const Email = z.string().trim().max(254).email().openapi({ example: "ada@example.com" });
export const DisplayName = z.string().trim().min(1).max(80).openapi({ example: "Ada Lovelace" });
export const OneTimeToken = z.string().trim().min(16).max(256);
export const PasswordField = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    emailVerified: z.boolean(),
    role: z.enum(["user", "moderator", "admin"]),
    bio: z.string().nullable(),
    avatarUrl: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("User");

export const AuthResultSchema = z
  .object({
    user: UserSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
  })
  .openapi("AuthResult");

export const InviteSchema = z
  .object({
    code: z.string(),
    maxUses: z.number().int(),
    uses: z.number().int(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    usable: z.boolean(),
  })
  .openapi("Invite");

export const InviteCodeParam = z.object({
  code: z
    .string()
    .min(1)
    .max(128)
    .openapi({ param: { name: "code", in: "path" } }),
});
