import { type Connection, type ConnectionContext, Server } from "partyserver";
import type { Env } from "../shared/env";
import { z } from "zod";
import { errorFrame, parseFrame } from "../shared/realtime/frames";
import { principalFromUpgrade } from "../shared/realtime/upgrade";

const HubFrames = { ping: z.object({ type: z.literal("ping") }) };

interface HubConnectionState {
  userId: string;
  sessionId: string;
  connectedAt: number;
}

/**
 * One per user: the notification sockets of every device of that user (incoming calls, chat
 * list changes, asset status). Other code pushes frames through `notify` (Durable Object RPC).
 */
export class UserHub extends Server<Env> {
  static override options = { hibernate: true };

  override onConnect(connection: Connection<HubConnectionState>, context: ConnectionContext): void {
    // The Worker authenticated the upgrade; this is a second line of defence only.
    const principal = principalFromUpgrade(context.request);
    if (!principal || principal.userId !== this.name) {
      connection.close(1008, "unauthenticated");
      return;
    }
    connection.setState({ userId: principal.userId, sessionId: principal.sessionId, connectedAt: Date.now() });
    connection.send(JSON.stringify({ type: "hello", userId: principal.userId }));
  }

  override onMessage(connection: Connection<HubConnectionState>, message: string | ArrayBuffer): void {
    const parsed = parseFrame(message, HubFrames);
    connection.send(parsed.ok ? JSON.stringify({ type: "pong" }) : errorFrame(parsed.code, parsed.detail));
  }

  /** Sends a frame to every connected device of this user; returns how many received it. */
  async notify(frame: { type: string } & Record<string, unknown>): Promise<number> {
    const text = JSON.stringify(frame);
    let delivered = 0;
    for (const connection of this.getConnections()) {
      try {
        connection.send(text);
        delivered++;
      } catch {
        // a socket closing mid-broadcast is not the caller's failure
      }
    }
    return delivered;
  }

  /** Ends every socket of one session (logout) or of the user. */
  async disconnect(sessionId?: string): Promise<void> {
    for (const connection of this.getConnections<HubConnectionState>()) {
      if (!sessionId || connection.state?.sessionId === sessionId) connection.close(4001, "session ended");
    }
  }

  async connectionCount(): Promise<number> {
    return [...this.getConnections()].length;
  }
}
