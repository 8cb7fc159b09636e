import type { DurableStateRpc } from "../platform/durable-state-rpc";
import type { Result } from "../platform/result";
import type { SocketTargetRpc } from "../realtime/user-hub-rpc";
import type { CallRecord } from "./call";
import type { NewCall } from "./records";

/** What the Worker may call on a call's CallSession (durable-objects/call-session.ts). */
export interface CallSessionRpc extends SocketTargetRpc, DurableStateRpc {
  /** Creates the call (idempotent for the same id); refuses with 409 `busy` (carrying the call) or `already_in_call`. */
  start(input: NewCall): Promise<Result<CallRecord>>;
  accept(userId: string): Promise<Result<CallRecord>>;
  reject(userId: string): Promise<Result<CallRecord>>;
  end(userId: string): Promise<Result<CallRecord>>;
  current(): Promise<CallRecord | null>;
}
