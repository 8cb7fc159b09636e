// The composition of the realtime Worker (workers/realtime/index.ts): the deps its Durable Objects
// (ChatRoom, UserHub, CallSession, CallRoom) pass to module logic, and nothing more. Those objects
// reach D1, R2 (chat attachments), the JOBS queue (push fan-out), the SFU (group calls), the
// metrics shards and each other; they send no mail, sign no TURN credentials, host no video, run
// no AI model and delete no files, so those adapters are not composed here and their modules are
// not loaded by this Worker's isolates (what a chat room's wake-up pays: bench:startup).
import { waitUntil } from "cloudflare:workers";
import { cloudflareSfu } from "../../shared/calls/sfu/cloudflare-sfu";
import { clock } from "../../shared/clock";
import { configOf } from "../../shared/config";
import { createDatabase } from "../../shared/db/client";
import { measuredD1 } from "../../shared/db/measured-d1";
import { d1HeartbeatLag, ReplicaReadGuard } from "../../shared/db/replica-lag";
import type { Env } from "../../shared/env";
import { logEvent } from "../../shared/observability/log";
import { tracedFetch } from "../../shared/observability/trace-scope";
import type { Deps } from "../../shared/platform/deps-types";
import { durableObjectsOf, jobQueueOf, lazy, oncePerEnv } from "../composition-kit";

/** What the API Worker composes and this one does not: a use of it here is a bug, said as such. */
function notComposedHere(what: string): never {
  throw new Error(`${what} is not composed in the realtime Worker (workers/realtime/composition.ts)`);
}

function realtimeDeps(env: Env): Deps {
  const config = configOf(env);
  const db = createDatabase(env.DB, measuredD1);
  const sfu = lazy(() => {
    const app = config.calls.sfu;
    return app ? cloudflareSfu({ ...app, fetch: tracedFetch }) : null;
  });
  // The sockets' session rechecks read sessions as the API does, replica lag included.
  const replicaReads = lazy(() => new ReplicaReadGuard(d1HeartbeatLag(db), config.auth.replica, waitUntil));
  return {
    db,
    config,
    clock,
    files: env.FILES,
    images: undefined,
    analytics: env.METRICS,
    queue: jobQueueOf(env.JOBS),
    objects: {
      ...durableObjectsOf(env),
      // Bound to the API Worker only: nothing the realtime objects run limits by key or counts views.
      rateLimiter: () => notComposedHere("The rate limiter (RATE_LIMITER)"),
      videoViews: () => notComposedHere("Video view counting (VIDEO_VIEWS)"),
    },
    fetch: tracedFetch,
    get email() {
      return notComposedHere("E-mail");
    },
    get turn() {
      return notComposedHere("TURN");
    },
    get videoHost() {
      return notComposedHere("The video host");
    },
    get sfu() {
      return sfu();
    },
    get replicaReads() {
      return replicaReads();
    },
    get push() {
      // Pushes leave through the JOBS queue (push.fanout), which the API Worker consumes.
      return notComposedHere("Push sending");
    },
    get ai() {
      return notComposedHere("AI models");
    },
    get fileReferences() {
      return notComposedHere("Other modules' file references");
    },
    log: logEvent,
  };
}

/** The deps of `env` in the realtime Worker: built on first use and kept as long as the env object lives. */
export const depsFor = oncePerEnv(realtimeDeps);
