import { clock } from "../../clock";
import { createDatabase } from "../../db/client";
import type { Env } from "../../env";
import { ApiError, badRequest, conflict } from "../../http/errors";
import { newId } from "../../ids";
import { enforceRateLimit, parseRateLimit } from "../../rate-limits";
import { auditEventStatement } from "../audit/events";
import type { ClientInfo } from "../sessions/client-info";
import { hashPassword, passwordProblem } from "../credentials/passwords";
import { rememberDevice } from "./new-device";
import type { AccountModule } from "./account-module";
import type { AuthResult } from "../sessions/login";
import { startSession } from "../sessions/sessions";
import { findUserByEmail, findUserById, normalizeEmail, toPublicUser } from "./users";

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
  inviteCode?: string;
}

const REGISTER_PER_IP_DEFAULT = { limit: 30, windowSeconds: 300 };

function weakPassword(problem: string): ApiError {
  return badRequest("weak_password", problem, [{ path: "password", message: problem }]);
}

/** Takes one use of an invite code, or throws. Returns a function that gives the use back. */
async function consumeInvite(env: Env, code: string | undefined): Promise<() => Promise<void>> {
  if (!code) throw badRequest("invite_required", "Registration needs an invite code", [{ path: "inviteCode", message: "Required" }]);
  const now = clock.now();
  const taken = await env.DB.prepare(
    `UPDATE invite_codes SET uses = uses + 1
      WHERE code = ? AND revoked_at IS NULL AND uses < max_uses AND (expires_at IS NULL OR expires_at > ?)`,
  )
    .bind(code, now)
    .run();
  if (taken.meta.changes !== 1) throw new ApiError(403, "invalid_invite", "The invite code is invalid, expired or used up");
  return async () => {
    await env.DB.prepare("UPDATE invite_codes SET uses = uses - 1 WHERE code = ? AND uses > 0").bind(code).run();
  };
}

/** BOOTSTRAP_ADMIN_EMAIL: whoever registers with that address becomes admin (how the first admin is made). */
function initialRole(env: Env, email: string): "user" | "admin" {
  const bootstrap = normalizeEmail(env.BOOTSTRAP_ADMIN_EMAIL ?? "");
  return bootstrap !== "" && bootstrap === normalizeEmail(email) ? "admin" : "user";
}

/** Creates the user, runs every module's `onRegister` in the same batch, and starts a first session. */
export async function register(env: Env, input: RegistrationInput, client: ClientInfo, modules: readonly AccountModule[]): Promise<AuthResult> {
  await enforceRateLimit(env, `register:ip:${client.ip ?? "unknown"}`, parseRateLimit(env.RATE_LIMIT_REGISTER_PER_IP, REGISTER_PER_IP_DEFAULT));
  const problem = passwordProblem(input.password, [input.email, input.email.split("@")[0] ?? "", input.displayName]);
  if (problem) throw weakPassword(problem);

  const db = createDatabase(env.DB);
  if (await findUserByEmail(db, input.email)) throw conflict("email_taken", "An account with this e-mail already exists");
  const giveInviteBack = env.REGISTRATION_MODE === "invite" ? await consumeInvite(env, input.inviteCode) : undefined;

  const now = clock.now();
  const userId = newId(now);
  const passwordHash = await hashPassword(input.password);
  const createUser = env.DB.prepare(
    `INSERT INTO users (id, email, email_normalized, display_name, role, email_verified, password_hash, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`,
  ).bind(userId, input.email.trim(), normalizeEmail(input.email), input.displayName.trim(), initialRole(env, input.email), passwordHash, now, now);
  const hooked = (await Promise.all(modules.map((module) => module.onRegister?.(env, userId, now) ?? []))).flat();
  try {
    await env.DB.batch([
      createUser,
      ...hooked,
      auditEventStatement(env.DB, { userId, type: "user.registered", client, detail: { invite: Boolean(input.inviteCode) } }),
    ]);
  } catch (error) {
    await giveInviteBack?.();
    if (String(error).includes("UNIQUE constraint failed: users.email_normalized")) {
      throw conflict("email_taken", "An account with this e-mail already exists");
    }
    throw error;
  }
  const tokens = await startSession(env, userId, client);
  const user = await findUserById(db, userId);
  await rememberDevice(env, user!, client);
  return { ...tokens, user: toPublicUser(user!) };
}
