import { env } from "cloudflare:workers";
import type { EnvVars } from "../../shared/config";
import type { Env, JobMessage } from "../../shared/env";
import { buildDeps } from "../../workers/composition";
import type { Deps, JobQueue } from "../../shared/platform/deps-types";

export interface TestDepsOptions extends Partial<Deps> {
  /** Vars that differ from the test environment's (`{ RATE_LIMIT_LOGIN_PER_IP: "3/300" }`): the config is parsed from them. */
  vars?: EnvVars;
  /** Bindings that differ from the test environment's (a recording D1, a second queue). */
  bindings?: Partial<Env>;
}

/**
 * The module context of the test environment, as the Worker builds it, with fakes where a test
 * gives them: `testDeps({ email: fakeSender, clock: fixedClock })`. Module logic under test is
 * called as the Worker calls it: `login(testDeps(), email, password, client)`.
 */
export function testDeps(options: TestDepsOptions = {}): Deps {
  const { vars, bindings, ...overrides } = options;
  const testEnv = vars || bindings ? ({ ...env, ...vars, ...bindings } as Env) : (env as Env);
  return buildDeps(testEnv, overrides);
}

/**
 * A JOBS queue that keeps what is sent instead of delivering it, so a test runs the job itself
 * and no background consumer races it.
 */
export function heldQueue(): JobQueue & { sent: JobMessage[] } {
  const sent: JobMessage[] = [];
  return {
    sent,
    send: async (job) => {
      sent.push(job);
    },
    sendBatch: async (jobs) => {
      sent.push(...jobs);
    },
  };
}
