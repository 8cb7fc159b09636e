import Argon2, { Argon2Type, Argon2Version } from "@phi-ag/argon2";
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { badRequest, type ApiError } from "../../http/errors";
import type { UserRow } from "../account/users";
import { COMMON_PASSWORDS } from "./common-passwords";

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane. */
export const PASSWORD_HASH_PARAMS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let argon2: Argon2 | undefined;

// The WASM module is imported statically: Workers refuse to compile WASM at run time.
async function engine(): Promise<Argon2> {
  argon2 ??= new Argon2(await WebAssembly.instantiate(argon2Wasm));
  return argon2;
}

export async function hashPassword(password: string): Promise<string> {
  const { encoded } = (await engine()).hash(password, {
    ...PASSWORD_HASH_PARAMS,
    hashLength: 32,
    type: Argon2Type.Argon2id,
    version: Argon2Version.Version13,
  });
  return encoded;
}

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  return (await engine()).tryVerify(encoded, password, Argon2Type.Argon2id).success;
}

/** True when a stored hash was made with other parameters than today's: rehash it at the next login. */
export function needsRehash(encoded: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(encoded);
  if (!match) return true;
  return (
    Number(match[1]) !== PASSWORD_HASH_PARAMS.memoryCost ||
    Number(match[2]) !== PASSWORD_HASH_PARAMS.timeCost ||
    Number(match[3]) !== PASSWORD_HASH_PARAMS.parallelism
  );
}

let dummyHash: Promise<string> | undefined;

/** Spend the same work as a real verification, so an unknown e-mail answers in the same time. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("dummy password that matches nothing");
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Returns the reason a password is refused, or null when it is acceptable (ASVS 2.1). */
export function passwordProblem(password: string, context: string[] = []): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return "Password is too common";
  if (context.some((word) => word.length >= 4 && lowered === word.toLowerCase())) {
    return "Password must not be your e-mail or name";
  }
  return null;
}

/** The 400 for a refused password, pointing at the field it came in. */
export function weakPassword(problem: string, field: string): ApiError {
  return badRequest("weak_password", problem, [{ path: field, message: problem }]);
}

/** `passwordProblem` with the user's own e-mail and name as words to refuse. */
export function passwordProblemFor(user: UserRow, password: string): string | null {
  return passwordProblem(password, [user.email, user.email.split("@")[0] ?? "", user.displayName]);
}
