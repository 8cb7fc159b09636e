// The limit `npm run bench:chat` measures the chat room against: a Durable Object that does
// nothing but broadcast each frame to its hibernated sockets, the sender's own included (its echo
// is the acknowledgement, as in workers-chat-demo). No storage, no parsing, no checks: what
// workerd itself can carry through one object on this machine.
import { DurableObject } from "cloudflare:workers";

export class BareRoom extends DurableObject {
  async fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(_ws, message) {
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
