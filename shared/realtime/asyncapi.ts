import { z } from "zod";
import type { FrameSchemas } from "./frames";

/**
 * One WebSocket endpoint of the platform, described by the same zod schemas that validate and
 * type its frames, so the published AsyncAPI document cannot drift from what the code does.
 */
export interface SocketProtocol {
  /** Channel id in the AsyncAPI document, e.g. `chatRoom`. */
  id: string;
  /** Path with `{parameters}`, e.g. `/v1/chats/{chatId}/ws`. */
  address: string;
  title: string;
  description: string;
  parameters?: Record<string, string>;
  /** Frames a client may send (the server receives them), by `type`. */
  clientFrames: FrameSchemas;
  /** Frames the server sends, by `type`. */
  serverFrames: FrameSchemas;
}

/**
 * Messages the platform sends outside its sockets, through a third party that delivers them
 * (push notifications through Web Push or FCM): a channel with no address of ours and no client
 * frames, on the `pushServices` server.
 */
export interface DeliveredChannel {
  id: string;
  title: string;
  description: string;
  /** What the platform sends, by `type`. */
  messages: FrameSchemas;
}

export interface AsyncApiInfo {
  title: string;
  version: string;
  description: string;
}

type JsonSchema = Record<string, unknown>;

interface AsyncApiMessage {
  name: string;
  title: string;
  summary?: string;
  contentType: "application/json";
  payload: JsonSchema;
}

export interface AsyncApiDocument {
  asyncapi: "3.0.0";
  info: AsyncApiInfo;
  defaultContentType: "application/json";
  servers: Record<string, { host: string; protocol: string; description: string; security?: { $ref: string }[] }>;
  channels: Record<
    string,
    {
      address: string | null;
      servers?: { $ref: string }[];
      title: string;
      description: string;
      parameters?: Record<string, { description: string }>;
      messages: Record<string, { $ref: string }>;
      bindings?: { ws: { method: "GET"; query: JsonSchema; bindingVersion: "0.1.0" } };
    }
  >;
  operations: Record<string, { action: "send" | "receive"; title: string; summary: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    messages: Record<string, AsyncApiMessage>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

export type FrameDirection = "client" | "server";

/** The key of a frame's message inside its channel, e.g. `client.message.send`. */
export function messageKey(direction: FrameDirection, type: string): string {
  return `${direction}.${type}`;
}

/**
 * JSON Schema (draft-07, which AsyncAPI's default schema format extends) of one frame. Client
 * frames are described as the server accepts them (input), server frames as it sends them.
 */
function frameSchema(schema: z.ZodType, direction: FrameDirection): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: "draft-7",
    io: direction === "client" ? "input" : "output",
    unrepresentable: "any",
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

function describeFrame(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.description ?? schema.description;
}

/**
 * The AsyncAPI 3.0 document of every socket. Operations are written from the platform's side:
 * `receive` lists what clients may send, `send` what the server pushes.
 */
export function buildAsyncApiDocument(protocols: SocketProtocol[], info: AsyncApiInfo, origin: string, delivered: DeliveredChannel[] = []): AsyncApiDocument {
  const url = new URL(origin);
  const document: AsyncApiDocument = {
    asyncapi: "3.0.0",
    info,
    defaultContentType: "application/json",
    servers: {
      platform: {
        host: url.host,
        protocol: url.protocol === "https:" ? "wss" : "ws",
        description: "This deployment. Every socket is opened with an HTTP GET upgrade.",
        security: [{ $ref: "#/components/securitySchemes/bearer" }, { $ref: "#/components/securitySchemes/ticket" }],
      },
    },
    channels: {},
    operations: {},
    components: {
      messages: {},
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "`Authorization: Bearer <accessToken>` on the upgrade request." },
        ticket: {
          type: "httpApiKey",
          name: "ticket",
          in: "query",
          description:
            "`?ticket=` from `POST /v1/realtime/tickets`: single use, 60 seconds, bound to the user and session (for browsers, which cannot set headers on a WebSocket).",
        },
      },
    },
  };

  for (const protocol of protocols) {
    const channelMessages: Record<string, { $ref: string }> = {};
    const operationMessages: Record<FrameDirection, { $ref: string }[]> = { client: [], server: [] };
    for (const direction of ["client", "server"] as const) {
      const frames = direction === "client" ? protocol.clientFrames : protocol.serverFrames;
      for (const [type, schema] of Object.entries(frames)) {
        const key = messageKey(direction, type);
        const componentKey = `${protocol.id}.${key}`;
        const summary = describeFrame(schema);
        document.components.messages[componentKey] = {
          name: type,
          title: `${direction === "client" ? "client -> server" : "server -> client"}: ${type}`,
          ...(summary ? { summary } : {}),
          contentType: "application/json",
          payload: frameSchema(schema, direction),
        };
        channelMessages[key] = { $ref: `#/components/messages/${componentKey}` };
        operationMessages[direction].push({ $ref: `#/channels/${protocol.id}/messages/${key}` });
      }
    }
    document.channels[protocol.id] = {
      address: protocol.address,
      title: protocol.title,
      description: protocol.description,
      ...(protocol.parameters
        ? { parameters: Object.fromEntries(Object.entries(protocol.parameters).map(([name, description]) => [name, { description }])) }
        : {}),
      messages: channelMessages,
      bindings: {
        ws: {
          method: "GET",
          query: { type: "object", properties: { ticket: { type: "string", description: "single-use ticket instead of a Bearer header" } } },
          bindingVersion: "0.1.0",
        },
      },
    };
    document.operations[`${protocol.id}.receive`] = {
      action: "receive",
      title: `${protocol.title}: client frames`,
      summary: "Frames a client may send. Anything else is answered with an `error` frame and the socket stays open.",
      channel: { $ref: `#/channels/${protocol.id}` },
      messages: operationMessages.client,
    };
    document.operations[`${protocol.id}.send`] = {
      action: "send",
      title: `${protocol.title}: server frames`,
      summary: "Frames the server pushes on this socket.",
      channel: { $ref: `#/channels/${protocol.id}` },
      messages: operationMessages.server,
    };
  }
  if (delivered.length > 0) {
    document.servers.pushServices = {
      host: "push.example",
      protocol: "https",
      description:
        "The device's push service: the Web Push endpoint of its subscription (RFC 8030; payload encrypted with aes128gcm, RFC 8291, VAPID RFC 8292) or FCM HTTP v1. The host is the subscription's, not ours.",
    };
  }
  for (const channel of delivered) {
    const channelMessages: Record<string, { $ref: string }> = {};
    const operationMessages: { $ref: string }[] = [];
    for (const [type, schema] of Object.entries(channel.messages)) {
      const key = messageKey("server", type);
      const componentKey = `${channel.id}.${key}`;
      const summary = describeFrame(schema);
      document.components.messages[componentKey] = {
        name: type,
        title: `platform -> device: ${type}`,
        ...(summary ? { summary } : {}),
        contentType: "application/json",
        payload: frameSchema(schema, "server"),
      };
      channelMessages[key] = { $ref: `#/components/messages/${componentKey}` };
      operationMessages.push({ $ref: `#/channels/${channel.id}/messages/${key}` });
    }
    document.channels[channel.id] = {
      address: null,
      servers: [{ $ref: "#/servers/pushServices" }],
      title: channel.title,
      description: channel.description,
      messages: channelMessages,
    };
    document.operations[`${channel.id}.send`] = {
      action: "send",
      title: `${channel.title}: what devices receive`,
      summary: "Sent through the device's push service, never on a socket.",
      channel: { $ref: `#/channels/${channel.id}` },
      messages: operationMessages,
    };
  }
  return document;
}

/** Every frame type a document lists for one channel and direction (what tests compare). */
export function documentedFrameTypes(document: AsyncApiDocument, channelId: string, direction: FrameDirection): string[] {
  const channel = document.channels[channelId];
  if (!channel) return [];
  const prefix = `${direction}.`;
  return Object.keys(channel.messages)
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}
