import { z } from "zod";

/**
 * What the user's hub (`GET /v1/realtime`) accepts. Apart from `socket-protocols.ts`, which also
 * describes every frame the hub pushes (for the AsyncAPI document, with other modules' schemas),
 * so the hub's isolate builds only what it parses (bench:startup).
 */
export const HubClientFrames = {
  ping: z.object({ type: z.literal("ping") }).describe("Keep-alive; answered with `pong`."),
};
