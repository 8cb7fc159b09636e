import { z } from "zod";

/**
 * What the user's hub (`GET /v1/realtime`) accepts. Apart from the AsyncAPI catalogue
 * (socket-protocols.ts), which names every module's frames and schemas: the hub that parses these
 * runs in the realtime Worker, whose isolates should not build the jobs board's, video's or
 * studio's schemas to answer a ping.
 */
export const HubClientFrames = {
  ping: z.object({ type: z.literal("ping") }).describe("Keep-alive; answered with `pong`."),
};
