import { Server } from "partyserver";
import type { Env } from "../env";

/**
 * partyserver's Server, answering every Close a client sends: the base of every object that holds
 * sockets (ChatRoom, ChatFanout, UserHub, CallSession, CallRoom).
 *
 * partyserver (0.5) answers a client's Close only when it carried a status code: it reads 1005
 * ("no status received") as a connection already gone. But 1005 is a Close frame with an empty
 * body, what a browser's or Node's `socket.close()` sends, and RFC 6455 (5.5.1) says it must be
 * answered. Unanswered, the client waits for the close handshake to end, and workerd keeps the
 * socket's pipe and its upgrade requests (through the API Worker) alive until the object is evicted,
 * then tears every such socket down at once: after a room of 200 such sockets, a pause of
 * 100-200 ms for every object the process runs (docs/performance.md, "the stall after a room of 200
 * sockets").
 */
export class SocketServer extends Server<Env> {
  override async webSocketClose(ws: WebSocket, code: number, reason: string, wasClean: boolean): Promise<void> {
    await super.webSocketClose(ws, code, reason, wasClean);
    if (code !== 1005) return;
    try {
      // No status code received, none to echo: a Close with an empty body, as the client sent.
      ws.close();
    } catch {
      // already closed by the object's own onClose
    }
  }
}
