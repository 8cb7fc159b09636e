// The limit `npm run bench:chat` measures the chat room against: a Durable Object that does
// nothing but broadcast each frame to its hibernated sockets, the sender's own included (its echo
// is the acknowledgement, as in workers-chat-demo). No storage, no parsing, no checks: what
// workerd itself can carry through one object on this machine.
// With `?store=1` the room first writes each frame to its SQLite storage ("bare-stored" in the
// bench): the output gate then holds the broadcast until the write is durable, as it holds the
// chat room's, so the two rooms tell apart what durability costs from what the chat room adds.
// With the var BALLAST_RECORDS (`npm run bench:chat -- --bare-ballast <n>`) the isolate also keeps
// a live object graph the size of a whole platform's, which it never touches again: what a large
// heap alone does to the latency of the same broadcast (each full garbage collection marks it).
// Its sockets refuse permessage-deflate, as the chat room's do (shared/realtime/upgrade.ts), so it
// is the limit for the same frames on the same wire; with the var DEFLATE_SOCKETS (`--bare-deflate`)
// they agree to it, as workers-chat-demo's do, and each frame is deflated once per receiver.
import { DurableObject } from "cloudflare:workers";

export class BareRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    keepBallast(Number(env.BALLAST_RECORDS ?? 0));
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS frames (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    // The tag survives hibernation, where a field of this object would not.
    this.ctx.acceptWebSocket(server, new URL(request.url).searchParams.has("store") ? ["store"] : []);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, message) {
    if (this.ctx.getTags(ws).length > 0) this.ctx.storage.sql.exec("INSERT INTO frames (body) VALUES (?)", message);
    for (const socket of this.ctx.getWebSockets()) socket.send(message);
  }

  webSocketClose(ws, code) {
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
  }
}

/**
 * `records` records shaped like a validation library's schemas (an object with twenty methods of
 * its own, ten checks with a closure each, fifteen fields): about 80 objects each, so 4,000 records
 * are about 320,000 live objects, the count the whole platform's isolate held after its start, and
 * 900 about the 70,000 the realtime Worker's bundle adds to its isolate.
 */
function keepBallast(records) {
  if (globalThis.ballast || records <= 0) return;
  globalThis.ballast = Array.from({ length: records }, (_, i) => {
    const record = { id: i, name: `schema-${i}`, checks: [], def: { type: "string", shape: {} } };
    for (let k = 0; k < 20; k++) record[`method${k}`] = (x) => x + k + i;
    for (let k = 0; k < 10; k++) record.checks.push({ kind: `check${k}`, args: [k, i], run: () => k });
    for (let k = 0; k < 15; k++) record.def.shape[`field${k}`] = { type: k, name: `field${k}-${i}` };
    return record;
  });
}

export default {
  async fetch(request, env) {
    const room = /^\/room\/([\w-]{1,100})\/websocket$/.exec(new URL(request.url).pathname)?.[1];
    if (!room) return new Response("bare broadcast room: /room/<name>/websocket\n");
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade\n", { status: 426 });
    const response = await env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
    if (env.DEFLATE_SOCKETS === "1" || !response.webSocket) return response;
    // The Worker's answer names the extensions workerd agrees to; one without permessage-deflate refuses it.
    const headers = new Headers(response.headers);
    headers.set("sec-websocket-extensions", "identity");
    return new Response(null, { status: 101, headers, webSocket: response.webSocket });
  },
};
