import { defineErrors } from "../http/errors";

/** The error codes of calls and their signalling. */
export const callsErrors = defineErrors({
  cannot_call_self: { status: 400, description: "The callee is the caller." },
  not_callee: { status: 403, description: "Only the callee may accept or reject a call." },
  busy: { status: 409, description: "The callee is in another call; the problem carries the `call`, now `busy`." },
  already_in_call: { status: 409, description: "The caller is in a call already; end it first." },
  call_not_ringing: { status: 409, description: "The call is no longer ringing; the problem carries the current `call`." },
  general_chat_calls_restricted: {
    status: 403,
    description:
      "Only moderators start a call in the general chat (every account is in it), or nobody: `GENERAL_CHAT_CALLS`. Joining a running call is open to every member.",
  },
  call_active: { status: 409, description: "A call cannot be deleted from the history while it is ringing or active." },
  call_full: {
    status: 409,
    description: "The group call holds its most people already: `CALL_MESH_MAX_PARTICIPANTS`, or `CALL_MAX_PARTICIPANTS` when calls can move to the SFU.",
  },
  call_over: { status: 409, description: "The call has ended; the action no longer applies." },
  sfu_not_in_use: {
    status: 409,
    description:
      "An `sfu.*` frame on a group call whose media flows in a mesh: no SFU is configured, or the call has not moved to it (its `topology` is `mesh`).",
  },
  sfu_unavailable: { status: 503, description: "The media server (Cloudflare Realtime SFU) could not be reached or refused; retry later." },
  turn_unavailable: { status: 503, description: "The TURN provider could not issue credentials; retry later." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    calls: typeof callsErrors;
  }
}
