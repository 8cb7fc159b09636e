// The realtime Worker (workers/realtime/): what its entry exports and what its composition gives
// the objects it hosts (docs/architecture.md#what-an-isolate-loads).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../shared/env";
import realtimeWorker, * as realtimeEntry from "../../workers/realtime/index";
import { depsFor } from "../../workers/realtime/composition";

describe("the realtime Worker", () => {
  it("exports the five objects that hold sockets, and serves nothing of its own", async () => {
    expect(Object.keys(realtimeEntry).sort()).toEqual(["CallRoom", "CallSession", "ChatFanout", "ChatRoom", "UserHub", "default"]);
    const response = await realtimeWorker.fetch(new Request("http://realtime.test/v1/chats/general/ws", { headers: { upgrade: "websocket" } }));
    expect(response.status).toBe(404);
  });

  it("composes what its objects use and says so of what it does not compose", async () => {
    const deps = depsFor(env as Env);
    expect(depsFor(env as Env)).toBe(deps);
    expect(deps.config.chat).toBeDefined();
    expect(deps.sfu).toBeNull();
    // The objects reach each other through it: an empty room answers an empty first page.
    const page = await deps.objects.chatRoom(`realtime-composition-${crypto.randomUUID()}`).listMessages({ limit: 1 });
    expect(page).toMatchObject({ ok: true, value: { items: [] } });
    for (const read of [() => deps.email, () => deps.push, () => deps.turn, () => deps.videoHost, () => deps.ai, () => deps.fileReferences]) {
      expect(read).toThrow(/not composed in the realtime Worker/);
    }
    expect(() => deps.objects.rateLimiter("k")).toThrow(/RATE_LIMITER/);
    expect(() => deps.objects.videoViews("v")).toThrow(/VIDEO_VIEWS/);
  });
});
