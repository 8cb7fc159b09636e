import { toD1Statements } from "../db/records";
import type { AccountModule } from "../identity/account/account-module";
import { toPublicCall } from "./call";
import {
  forgetUserCallsQueries,
  forgetUserGroupCallQueries,
  isHiddenFor,
  listActiveCalls,
  listActiveGroupCallIdsOf,
  listAllCallsOf,
  listGroupCallStretchesOf,
} from "./records";

/** Calls' part of an account: the user's call history in the export, their side forgotten on deletion. */
export const callsAccount: AccountModule = {
  name: "calls",
  exportData: async (deps, userId) => [
    ...(await listAllCallsOf(deps.db, userId)).map((call) => ({ ...toPublicCall(call), deletedFromHistory: isHiddenFor(call, userId) })),
    ...(await listGroupCallStretchesOf(deps.db, userId)).map((stretch) => ({
      groupCallId: stretch.callId,
      chatId: stretch.chatId,
      type: stretch.type,
      joinedAt: stretch.joinedAt.toISOString(),
      leftAt: stretch.leftAt?.toISOString() ?? null,
    })),
  ],
  // Calls still ringing or answered are ended through their CallSession first, so the other
  // participant is told and the records are final before the deleted user's side is hidden; one
  // started while the deletion runs is ended afterwards.
  onDelete: async (deps, userId) => {
    const { db, objects } = deps;
    const endLiveCalls = async () => {
      for (const call of await listActiveCalls(db, userId)) await objects.callSession(call.id).end(userId);
      for (const callId of await listActiveGroupCallIdsOf(db, userId)) await objects.callRoom(callId).leave(userId);
    };
    await endLiveCalls();
    return { statements: toD1Statements(db, [...forgetUserCallsQueries(db, userId), ...forgetUserGroupCallQueries(db, userId)]), afterwards: endLiveCalls };
  },
};
