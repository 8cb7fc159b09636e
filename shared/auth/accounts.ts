import { clock } from "../clock";
import { createDatabase } from "../db/client";
import type { Env } from "../env";
import { ApiError, badRequest, conflict } from "../http/errors";
import { newId } from "../ids";
import { enforceRateLimit, parseRateLimit, rateLimited, rateLimiter } from "../rate-limits";
import { auditEventStatement, recordAuditEvent } from "./audit";
import type { ClientInfo } from "./client-info";
import { hashPassword, needsRehash, passwordProblem, verifyAgainstDummy, verifyPassword } from "./passwords";
import { clearLockout, clearLockoutStatement, loginLockout, recordFailedLogin, TOO_MANY_FAILED_LOGINS } from "./lockout";
import { mfaChallenge } from "./mfa-login";
import { rememberDevice } from "./new-device";
import { registrationHooks } from "./registration-hooks";
import { totpEnabled } from "./totp";
import { loginRequiresVerifiedEmail } from "./verified-email-policy";
import { startSession, type TokenPair } from "./sessions";
import { findUserByEmail, findUserById, normalizeEmail, type PublicUser, toPublicUser } from "./users";

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
  inviteCode?: string;
}

export interface AuthResult extends TokenPair {
  user: PublicUser;
}

const LOGIN_FAILURES_DEFAULT = { limit: 10, windowSeconds: 900 };
const LOGIN_PER_IP_DEFAULT = { limit: 60, windowSeconds: 300 };
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

export async function register(env: Env, input: RegistrationInput, client: ClientInfo): Promise<AuthResult> {
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
  const hooked = (await Promise.all(registrationHooks.map((hook) => hook(env, userId, now)))).flat();
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

const invalidCredentials = () => new ApiError(401, "invalid_credentials", "E-mail or password is wrong");

export async function login(env: Env, email: string, password: string, client: ClientInfo): Promise<AuthResult> {
  await enforceRateLimit(env, `login:ip:${client.ip ?? "unknown"}`, parseRateLimit(env.RATE_LIMIT_LOGIN_PER_IP, LOGIN_PER_IP_DEFAULT));
  const failureLimit = parseRateLimit(env.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL, LOGIN_FAILURES_DEFAULT);
  const failures = rateLimiter(env, `login-failures:email:${normalizeEmail(email)}`);
  const budget = await failures.check(failureLimit.limit, failureLimit.windowSeconds);
  if (!budget.allowed) throw rateLimited(budget.retryAfterSeconds, TOO_MANY_FAILED_LOGINS);

  const db = createDatabase(env.DB);
  const user = await findUserByEmail(db, email);
  const locked = await loginLockout(env, email);
  if (locked) {
    await recordAuditEvent(env.DB, { userId: user?.id ?? null, type: "login.failed", client, detail: { reason: "account_locked" } });
    throw locked;
  }
  const passwordOk = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !passwordOk) {
    await failures.record(failureLimit.limit, failureLimit.windowSeconds);
    await recordFailedLogin(env, email, user?.id ?? null, client);
    await recordAuditEvent(env.DB, {
      userId: user?.id ?? null,
      type: "login.failed",
      client,
      detail: { reason: user ? "wrong_password" : "unknown_email" },
    });
    throw invalidCredentials();
  }
  if (user.disabledAt) {
    await recordAuditEvent(env.DB, { userId: user.id, type: "login.failed", client, detail: { reason: "account_disabled" } });
    throw new ApiError(403, "account_disabled", "This account has been disabled");
  }
  if (loginRequiresVerifiedEmail(env) && !user.emailVerified) {
    await recordAuditEvent(env.DB, { userId: user.id, type: "login.failed", client, detail: { reason: "email_not_verified" } });
    throw new ApiError(403, "email_not_verified", "Verify your e-mail address before logging in");
  }
  if (await totpEnabled(env.DB, user.id)) throw await mfaChallenge(env, user, client);

  const extra: D1PreparedStatement[] = [
    auditEventStatement(env.DB, { userId: user.id, type: "login.succeeded", client }),
    clearLockoutStatement(env.DB, user.id),
  ];
  if (needsRehash(user.passwordHash)) {
    extra.push(env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(await hashPassword(password), user.id));
  }
  const tokens = await startSession(env, user.id, client, extra);
  await clearLockout(env, user.email);
  await rememberDevice(env, user, client);
  return { ...tokens, user: toPublicUser(user) };
}
