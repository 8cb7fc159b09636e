import { badRequest, conflict, notFound } from "../http/errors";
import { newId } from "../ids";
import { enforceRateLimit } from "../rate-limits";
import type { Page } from "../http/pagination";
import { type CallRecord, type CallType, isActive, isParticipant, type PublicCall, toPublicCall } from "./call";
import { countMissedCalls, findCall, hideCallFor, isActiveUser, isHiddenFor, listActiveCalls, listCallHistory, type StoredCall } from "./records";
import { unwrap } from "../platform/refusal-error";
import type { Deps } from "../platform/deps-types";

/** Starts a call: 201 ringing, or 409 `busy` (the callee is in a call) / `already_in_call` (the caller is). */
export async function placeCall(deps: Deps, callerId: string, input: { calleeId: string; type: CallType }): Promise<PublicCall> {
  if (input.calleeId === callerId) throw badRequest("cannot_call_self", "You cannot call yourself");
  if (!(await isActiveUser(deps.db, input.calleeId))) throw notFound("No such user");
  // Ringing someone blocks them as busy and fills their history: one caller rings one callee, and anyone at all, only so often.
  const { callsPerPair, callsPerUser } = deps.config.rateLimits;
  await enforceRateLimit(deps, `calls:pair:${callerId}:${input.calleeId}`, callsPerPair);
  await enforceRateLimit(deps, `calls:user:${callerId}`, callsPerUser);
  const now = deps.clock.now();
  const id = newId(now);
  return toPublicCall(unwrap(await deps.objects.callSession(id).start({ id, callerId, calleeId: input.calleeId, type: input.type, createdAt: now })));
}

/** The call if the user takes part in it and has not deleted it from their history; else 404. */
export async function callVisibleTo(deps: Deps, callId: string, userId: string): Promise<StoredCall> {
  const call = await findCall(deps.db, callId);
  if (!call || !isParticipant(call, userId) || isHiddenFor(call, userId)) throw notFound("No such call");
  return call;
}

export async function getCall(deps: Deps, callId: string, userId: string): Promise<PublicCall> {
  return toPublicCall(await callVisibleTo(deps, callId, userId));
}

export type CallCommand = "accept" | "reject" | "end";

/** Accept, reject or end, decided by the call's CallSession. */
export async function commandCall(deps: Deps, callId: string, userId: string, command: CallCommand): Promise<PublicCall> {
  await callVisibleTo(deps, callId, userId);
  const stub = deps.objects.callSession(callId);
  const result = command === "accept" ? await stub.accept(userId) : command === "reject" ? await stub.reject(userId) : await stub.end(userId);
  return toPublicCall(unwrap(result));
}

/** Only the requester's own history loses the call; an active call cannot be deleted. */
export async function deleteCallFromHistory(deps: Deps, callId: string, userId: string): Promise<void> {
  const call = await findCall(deps.db, callId);
  if (!call || !isParticipant(call, userId)) throw notFound("No such call");
  if (isActive(call.status)) throw conflict("call_active", "End the call before deleting it from your history");
  await hideCallFor(deps.db, callId, userId);
}

export async function callHistory(deps: Deps, userId: string, limit: number, cursor?: string): Promise<Page<PublicCall>> {
  const page = await listCallHistory(deps.db, userId, limit, cursor);
  return { items: page.items.map(toPublicCall), nextCursor: page.nextCursor };
}

export async function activeCalls(deps: Deps, userId: string): Promise<{ items: PublicCall[] }> {
  return { items: (await listActiveCalls(deps.db, userId)).map(toPublicCall) };
}

export async function missedCallCount(deps: Deps, userId: string, since?: string): Promise<{ count: number; since: string | null }> {
  const sinceMs = since ? Date.parse(since) : null;
  return { count: await countMissedCalls(deps.db, userId, sinceMs), since: sinceMs === null ? null : new Date(sinceMs).toISOString() };
}

/** The request the CallSession receives for a participant's signalling socket, or 404/409 before it opens. */
export async function signallingSession(deps: Deps, callId: string, userId: string) {
  const call = await callVisibleTo(deps, callId, userId);
  if (!isActive(call.status)) throw conflict("call_over", `The call is ${call.status}`);
  return deps.objects.callSession(callId);
}

export type { CallRecord };
