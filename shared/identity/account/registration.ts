import type { Deps } from "../../platform/deps-types";
import { toD1Statements } from "../../db/records";
import { conflict } from "../../http/errors";
import { newId } from "../../ids";
import { enforceRateLimit } from "../../rate-limits";
import { consumeInvite } from "../admin/invites";
import { queueEmail } from "../../email/outbox";
import { auditEventQuery } from "../audit/events";
import { requestEmailVerification } from "./email-verification";
import { registrationAttemptEmail } from "./identity-emails";
import type { ClientInfo } from "../sessions/client-info";
import { hashPassword, passwordProblem, weakPassword } from "../credentials/passwords";
import { rememberDevice } from "./new-device";
import type { AccountModule } from "./account-module";
import type { AuthResult } from "../sessions/sessions";
import { startSession } from "../sessions/sessions";
import { insertUserQuery } from "./records";
import { findUserByEmail, findUserById, normalizeEmail, toPublicUser } from "./users";
import { metrics } from "../../observability/metrics";

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
  inviteCode?: string;
}

/** BOOTSTRAP_ADMIN_EMAIL: whoever registers with that address becomes admin (how the first admin is made). */
/** Whether `email` is BOOTSTRAP_ADMIN_EMAIL's: registering with it, or signing in with it, makes an admin. */
export function isBootstrapAdminEmail(deps: Deps, email: string): boolean {
  const bootstrap = normalizeEmail(deps.config.registration.bootstrapAdminEmail);
  return bootstrap !== "" && bootstrap === normalizeEmail(email);
}

function initialRole(deps: Deps, email: string): "user" | "admin" {
  return isBootstrapAdminEmail(deps, email) ? "admin" : "user";
}

/** Creates the user, runs every module's `onRegister` in the same batch, and starts a first session. */
/**
 * Creates the user row (and every module's registration rows) after the per-IP limit, the
 * password policy and the invite. Returns the new user's id, or null when the address already
 * has an account.
 */
async function createAccount(deps: Deps, input: RegistrationInput, client: ClientInfo, modules: readonly AccountModule[]): Promise<string | null> {
  await enforceRateLimit(deps, `register:ip:${client.ip ?? "unknown"}`, deps.config.rateLimits.registerPerIp);
  const problem = passwordProblem(input.password, [input.email, input.email.split("@")[0] ?? "", input.displayName]);
  if (problem) throw weakPassword(problem, "password");

  const db = deps.db;
  if (await findUserByEmail(db, input.email)) return null;
  const giveInviteBack = deps.config.registration.inviteOnly ? await consumeInvite(deps, input.inviteCode) : undefined;

  const now = deps.clock.now();
  const userId = newId(now);
  const passwordHash = await hashPassword(input.password);
  const createUser = insertUserQuery(db, {
    id: userId,
    email: input.email.trim(),
    emailNormalized: normalizeEmail(input.email),
    displayName: input.displayName.trim(),
    role: initialRole(deps, input.email),
    emailVerified: false,
    passwordHash,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  });
  const registered = auditEventQuery(db, { userId, type: "user.registered", client, detail: { invite: Boolean(input.inviteCode) } });
  const hooked = (await Promise.all(modules.map((module) => module.onRegister?.(deps, userId, now) ?? []))).flat();
  try {
    await deps.db.$client.batch([...toD1Statements(db, [createUser]), ...hooked, ...toD1Statements(db, [registered])]);
  } catch (error) {
    await giveInviteBack?.();
    // A registration racing this one took the address between the check above and the batch.
    if (await findUserByEmail(db, input.email)) return null;
    throw error;
  }
  metrics.count("identity_registrations_total", {});
  return userId;
}

/** Registers an account and starts its first session; a known address is `409 email_taken`. */
export async function register(deps: Deps, input: RegistrationInput, client: ClientInfo, modules: readonly AccountModule[]): Promise<AuthResult> {
  const userId = await createAccount(deps, input, client, modules);
  if (!userId) throw conflict("email_taken", "An account with this e-mail already exists");
  const tokens = await startSession(deps, userId, client);
  const user = await findUserById(deps.db, userId);
  await rememberDevice(deps, user!, client);
  return { ...tokens, user: toPublicUser(user!) };
}

/**
 * Registration when logins need a verified address (REQUIRE_VERIFIED_EMAIL_FOR_LOGIN=true). No
 * session is started before the address is proven, so a known address can be answered exactly
 * like a new one (OWASP ASVS 6.3.8): a new account is mailed its verification link, the owner
 * of a known address a notice. The password is hashed on both paths, so both take as long.
 */
export async function registerPendingVerification(deps: Deps, input: RegistrationInput, client: ClientInfo, modules: readonly AccountModule[]): Promise<void> {
  const userId = await createAccount(deps, input, client, modules);
  if (userId) {
    await requestEmailVerification(deps, userId);
    return;
  }
  await hashPassword(input.password);
  const owner = await findUserByEmail(deps.db, input.email);
  if (owner) await queueEmail(deps, registrationAttemptEmail(deps, owner.email));
}
