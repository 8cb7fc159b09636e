// The composition of the platform's Worker: the one place that names every module's adapters
// (mail, TURN, the SFU, push senders, the video host, AI models, file references) and builds the
// deps (shared/platform/deps-types.ts) its entry, queue and cron handlers and Durable Objects pass
// to module logic. It sits at the top of the layers, beside the entry: a module in shared/ never
// imports it (test/platform/layering.test.ts holds shared/ to importing nothing from workers/), so
// a Worker that does not serve a module composes its deps without loading that module.
import { cloudflareSfu } from "../shared/calls/sfu/cloudflare-sfu";
import { turnProviderFor } from "../shared/calls/turn/turn-provider-of";
import { clock as platformClock } from "../shared/clock";
import { configOf } from "../shared/config";
import { createDatabase } from "../shared/db/client";
import { waitUntil } from "cloudflare:workers";
import { measuredD1 } from "../shared/db/measured-d1";
import { d1HeartbeatLag, ReplicaReadGuard } from "../shared/db/replica-lag";
import { emailSenderFor } from "../shared/email/outbox";
import type { Env } from "../shared/env";
import { logEvent } from "../shared/observability/log";
import { tracedFetch } from "../shared/observability/trace-scope";
import { pushSenderFor } from "../shared/push/push-senders";
import { resolveModel, secretOf } from "../shared/studio/providers/registry";
import { applicationCvReferences } from "../shared/jobs-board/applications/file-references";
import { companyIconReferences } from "../shared/jobs-board/companies/file-references";
import { videoThumbnailReferences } from "../shared/video/file-references";
import { videoHostOf } from "../shared/video/video-host-of";
import type { Deps } from "../shared/platform/deps-types";
import { durableObjectsOf, jobQueueOf, lazy, oncePerEnv } from "./composition-kit";

/** Every module that keeps references to media files (media itself names none of them). */
const FILE_REFERENCES = [companyIconReferences, applicationCvReferences, videoThumbnailReferences] as const;

/** The deps of `env`, with `overrides` in place of what they name (tests). */
export function buildDeps(env: Env, overrides: Partial<Deps> = {}): Deps {
  const config = overrides.config ?? configOf(env);
  const db = createDatabase(env.DB, measuredD1);
  /** What every adapter of an outside HTTP service fetches with: traced, or the test's fake. */
  const outboundFetch = overrides.fetch ?? tracedFetch;
  const email = lazy(() => emailSenderFor(config, db, env.EMAIL));
  const turn = lazy(() => turnProviderFor(config.calls, outboundFetch));
  const videoHost = lazy(() => videoHostOf(env, outboundFetch));
  const sfu = lazy(() => {
    const app = config.calls.sfu;
    return app ? cloudflareSfu({ ...app, fetch: outboundFetch }) : null;
  });
  const push = lazy(() => pushSenderFor(config.push, outboundFetch, () => (overrides.clock ?? platformClock).now()));
  const replicaReads = lazy(() => new ReplicaReadGuard(d1HeartbeatLag(db), config.auth.replica, waitUntil));
  const base: Deps = {
    db,
    config,
    clock: platformClock,
    files: env.FILES,
    images: env.IMAGES,
    analytics: env.METRICS,
    queue: jobQueueOf(env.JOBS),
    objects: durableObjectsOf(env),
    fetch: tracedFetch,
    get email() {
      return email();
    },
    get turn() {
      return turn();
    },
    get videoHost() {
      return videoHost();
    },
    get sfu() {
      return sfu();
    },
    get push() {
      return push();
    },
    get replicaReads() {
      return replicaReads();
    },
    ai: { resolveModel: (modelId) => resolveModel(env, db, modelId), secretConfigured: (name) => secretOf(env, name) !== null },
    fileReferences: FILE_REFERENCES,
    log: logEvent,
  };
  return Object.keys(overrides).length === 0 ? base : Object.defineProperties(base, Object.getOwnPropertyDescriptors(overrides));
}

/** The deps of `env`: built on first use and kept as long as the env object lives. */
export const depsFor = oncePerEnv((env) => buildDeps(env));
