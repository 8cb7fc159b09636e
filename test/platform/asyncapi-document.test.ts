import { describe, expect, it } from "vitest";
import { buildAsyncApiDocument, documentedFrameTypes } from "../../shared/realtime/asyncapi";
import { ASYNCAPI_INFO, SOCKET_PROTOCOLS } from "../../shared/realtime/socket-protocols";

const document = buildAsyncApiDocument(SOCKET_PROTOCOLS, ASYNCAPI_INFO, "https://api.example.com");

describe("AsyncAPI document built from the frame schemas", () => {
  it("is an AsyncAPI 3.0 document with a wss server for an https origin", () => {
    expect(document.asyncapi).toBe("3.0.0");
    expect(document.servers.platform).toMatchObject({ host: "api.example.com", protocol: "wss" });
  });

  it("lists every frame type of every socket, both directions, with its JSON schema", () => {
    for (const protocol of SOCKET_PROTOCOLS) {
      expect(documentedFrameTypes(document, protocol.id, "client").sort()).toEqual(Object.keys(protocol.clientFrames).sort());
      expect(documentedFrameTypes(document, protocol.id, "server").sort()).toEqual(Object.keys(protocol.serverFrames).sort());
      for (const [key, ref] of Object.entries(document.channels[protocol.id]!.messages)) {
        const message = document.components.messages[ref.$ref.split("/").pop()!]!;
        const payload = message.payload as { type: string; properties: { type: { const: string } }; required: string[] };
        expect(payload.type, key).toBe("object");
        expect(payload.properties.type.const, key).toBe(message.name);
        expect(payload.required, key).toContain("type");
      }
    }
  });

  it("points every operation at messages of its own channel", () => {
    for (const [id, operation] of Object.entries(document.operations)) {
      const channelId = operation.channel.$ref.split("/").pop()!;
      for (const message of operation.messages) {
        expect(message.$ref.startsWith(`#/channels/${channelId}/messages/`), id).toBe(true);
        const key = message.$ref.split("/").pop()!;
        expect(document.channels[channelId]!.messages[key], `${id} ${key}`).toBeDefined();
      }
    }
  });

  it("keeps the validation rules of client frames in the schema", () => {
    const offer = document.components.messages["callSignalling.client.sdp.offer"]!.payload as {
      properties: { sdp: { pattern: string; maxLength: number } };
      additionalProperties: boolean;
    };
    expect(offer.properties.sdp.pattern).toContain("v=0");
    expect(offer.properties.sdp.maxLength).toBe(32 * 1024);
    expect(offer.additionalProperties).toBe(false);
  });
});
