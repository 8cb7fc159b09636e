// The limit `npm run bench:chat` measures the chat room against: a Durable Object that does
// nothing but broadcast each frame to its hibernated sockets, the sender's own included (its echo
// is the acknowledgement, as in workers-chat-demo). No storage, no parsing, no checks: what
// workerd itself can carry through one object on this machine.
// With `?store=1` the room first writes each frame to its SQLite storage ("bare-stored" in the
// bench): the output gate then holds the broadcast until the write is durable, as it holds the
// chat room's, so the two rooms tell apart what durability costs from what the chat room adds.
import { DurableObject } from "cloudflare:workers";

export class BareRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
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

export default {
  async fetch(request, env) {
    const room = /^\/room\/([\w-]{1,100})\/websocket$/.exec(new URL(request.url).pathname)?.[1];
    if (!room) return new Response("bare broadcast room: /room/<name>/websocket\n");
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade\n", { status: 426 });
    return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
  },
};
