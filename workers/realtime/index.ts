// The realtime Worker: the Durable Objects that hold sockets (chat rooms, the per-user hub, calls
// and group calls) in a Worker of their own, so an isolate that wakes a hibernated chat room loads
// these classes and their slim composition (./composition.ts) and none of the API: no route
// schemas, no other module's tables or adapters (issue 49; docs/architecture.md#what-an-isolate-loads).
// The API Worker (workers/index.ts) binds them with `script_name` and forwards authenticated
// upgrades and RPC calls to them.
export { CallRoom } from "../../durable-objects/call-room";
export { CallSession } from "../../durable-objects/call-session";
export { ChatFanout } from "../../durable-objects/chat-fanout";
export { ChatRoom } from "../../durable-objects/chat-room";
export { UserHub } from "../../durable-objects/user-hub";

export default {
  // Nothing is served here: the objects trust the principal headers only the API Worker sets
  // (shared/realtime/upgrade.ts), so this Worker has no route of its own and answers 404.
  fetch: (_request: Request) => new Response(null, { status: 404 }),
} satisfies ExportedHandler;
