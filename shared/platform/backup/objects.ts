import { ApiError } from "../../http/errors";
import type { Deps } from "../deps-types";
import type { DurableStateReply, DurableStateRequest, DurableStateRpc } from "../durable-state-rpc";
import { type InstanceKind, instanceIds } from "./records";

/**
 * The Durable Objects whose state a backup copies, each reached by the name the platform gives
 * it (the id of its chat, user, call or video). RateLimiter and MetricsStore are left out: their
 * names are not recorded anywhere (a limit key, a shard) and their state lives minutes to an hour.
 */
function stubOf(deps: Deps, kind: InstanceKind, name: string): DurableStateRpc {
  // The stub's mapped RPC types recurse through PortableValue deeper than TypeScript follows;
  // the object implements DurableStateRpc, which is what the call answers.
  return stubFor(deps, kind) as unknown as DurableStateRpc;

  function stubFor(deps: Deps, kind: InstanceKind): unknown {
    switch (kind) {
      case "chat-room":
        return deps.objects.chatRoom(name);
      case "user-hub":
        return deps.objects.userHub(name);
      case "call-session":
        return deps.objects.callSession(name);
      case "video-views":
        return deps.objects.videoViews(name);
    }
  }
}

export async function listInstances(deps: Deps, kind: InstanceKind, after: string | undefined, limit: number) {
  const names = await instanceIds(deps.db, kind, after, limit);
  return { names, next: names.length < limit ? null : names[names.length - 1]! };
}

/** One backup or restore step on one object; a table it does not copy is `404 backup_unknown_table`, a step SQLite refuses `400 restore_refused`. */
export async function objectState<const Op extends DurableStateReply["op"]>(
  deps: Deps,
  kind: InstanceKind,
  name: string,
  request: DurableStateRequest,
  expected: Op,
): Promise<Extract<DurableStateReply, { op: Op }>> {
  const reply = await stubOf(deps, kind, name).durableState(request);
  if (reply.op === "unknown_table") throw new ApiError(404, "backup_unknown_table", `The ${kind} ${name} has no table ${reply.table} that a backup copies`);
  if (reply.op === "refused") throw new ApiError(400, "restore_refused", `The ${kind} ${name} refused the ${request.op} step: ${reply.detail}`);
  if (reply.op !== expected) throw new Error(`durableState(${request.op}) answered ${reply.op}`);
  return reply as Extract<DurableStateReply, { op: Op }>;
}
