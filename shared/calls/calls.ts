import { clock } from "../clock";
import { createDatabase } from "../db/client";
import type { Env } from "../env";
import { ApiError, badRequest, conflict, notFound } from "../http/errors";
import { configOf } from "../config";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limits";
import type { Page } from "../http/pagination";
import { type CallRecord, type CallType, isActive, isParticipant, type PublicCall, toPublicCall } from "./call";
import { countMissedCalls, findCall, hideCallFor, isActiveUser, isHiddenFor, listActiveCalls, listCallHistory, type StoredCall } from "./records";
import type { TransitionResult } from "./state-machine";
import { traced } from "../observability/traced-stub";

const session = (env: Env, callId: string) => traced(env.CALL_SESSION.getByName(callId));
const db = (env: Env) => createDatabase(env.DB);

/** Starts a call: 201 ringing, or 409 `busy` (the callee is in a call) / `already_in_call` (the caller is). */
export async function placeCall(env: Env, callerId: string, input: { calleeId: string; type: CallType }): Promise<PublicCall> {
  if (input.calleeId === callerId) throw badRequest("cannot_call_self", "You cannot call yourself");
  if (!(await isActiveUser(db(env), input.calleeId))) throw notFound("No such user");
  // Ringing someone blocks them as busy and fills their history: one caller rings one callee, and anyone at all, only so often.
  const { callsPerPair, callsPerUser } = configOf(env).rateLimits;
  await enforceRateLimit(env, `calls:pair:${callerId}:${input.calleeId}`, callsPerPair);
  await enforceRateLimit(env, `calls:user:${callerId}`, callsPerUser);
  const now = clock.now();
  const id = newId(now);
  const result = await session(env, id).start({ id, callerId, calleeId: input.calleeId, type: input.type, createdAt: now });
  if (result.ok) return toPublicCall(result.call);
  if (result.code === "busy") throw new ApiError(409, "busy", "The callee is in another call", { call: toPublicCall(result.call) });
  throw conflict("already_in_call", "You are already in a call; end it first");
}

/** The call if the user takes part in it and has not deleted it from their history; else 404. */
export async function callVisibleTo(env: Env, callId: string, userId: string): Promise<StoredCall> {
  const call = await findCall(db(env), callId);
  if (!call || !isParticipant(call, userId) || isHiddenFor(call, userId)) throw notFound("No such call");
  return call;
}

export async function getCall(env: Env, callId: string, userId: string): Promise<PublicCall> {
  return toPublicCall(await callVisibleTo(env, callId, userId));
}

export type CallCommand = "accept" | "reject" | "end";

/** Accept, reject or end, decided by the call's CallSession. */
export async function commandCall(env: Env, callId: string, userId: string, command: CallCommand): Promise<PublicCall> {
  await callVisibleTo(env, callId, userId);
  const stub = session(env, callId);
  const result: TransitionResult =
    command === "accept" ? await stub.accept(userId) : command === "reject" ? await stub.reject(userId) : await stub.end(userId);
  if (result.ok) return toPublicCall(result.call);
  throw new ApiError(result.status, result.code, result.detail, result.call ? { call: toPublicCall(result.call) } : {});
}

/** Only the requester's own history loses the call; an active call cannot be deleted. */
export async function deleteCallFromHistory(env: Env, callId: string, userId: string): Promise<void> {
  const call = await findCall(db(env), callId);
  if (!call || !isParticipant(call, userId)) throw notFound("No such call");
  if (isActive(call.status)) throw conflict("call_active", "End the call before deleting it from your history");
  await hideCallFor(db(env), callId, userId);
}

export async function callHistory(env: Env, userId: string, limit: number, cursor?: string): Promise<Page<PublicCall>> {
  const page = await listCallHistory(db(env), userId, limit, cursor);
  return { items: page.items.map(toPublicCall), nextCursor: page.nextCursor };
}

export async function activeCalls(env: Env, userId: string): Promise<{ items: PublicCall[] }> {
  return { items: (await listActiveCalls(db(env), userId)).map(toPublicCall) };
}

export async function missedCallCount(env: Env, userId: string, since?: string): Promise<{ count: number; since: string | null }> {
  const sinceMs = since ? Date.parse(since) : null;
  return { count: await countMissedCalls(db(env), userId, sinceMs), since: sinceMs === null ? null : new Date(sinceMs).toISOString() };
}

/** The request the CallSession receives for a participant's signalling socket, or 404/409 before it opens. */
export async function signallingSession(env: Env, callId: string, userId: string) {
  const call = await callVisibleTo(env, callId, userId);
  if (!isActive(call.status)) throw conflict("call_over", `The call is ${call.status}`);
  return session(env, callId);
}

export type { CallRecord };
