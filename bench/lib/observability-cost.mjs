// The cost of tracing and request metrics on GET /v1/me: two `wrangler dev` servers of the same
// build, one with OBSERVABILITY_ENABLED=true and one with false, measured interleaved in one run.
import { startDevServer, summarize } from "./dev-server.mjs";

const json = { "content-type": "application/json" };

async function signedIn(server) {
  const response = await fetch(`${server.url}/v1/auth/register`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: `bench-obs-${Date.now()}@example.com`, password: "benchmark passphrase", displayName: "Bench" }),
  });
  if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
  return { authorization: `Bearer ${(await response.json()).accessToken}` };
}

async function timedMe(server, headers) {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/me`, { headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/v1/me: ${response.status}`);
  return performance.now() - started;
}

/** The two servers of the comparison, started side by side: OBSERVABILITY_ENABLED true on `port`, false on `port + 1`. */
export async function startObservabilityPair(port) {
  const vars = { RATE_LIMIT_REGISTER_PER_IP: "100000/300" };
  const [on, off] = await Promise.all([
    startDevServer({ port, name: "auth-bench-observability-on", vars: { ...vars, OBSERVABILITY_ENABLED: "true" } }),
    startDevServer({ port: port + 1, name: "auth-bench-observability-off", vars: { ...vars, OBSERVABILITY_ENABLED: "false" } }),
  ]);
  return { on, off, stop: () => Promise.all([on.stop(), off.stop()]) };
}

/** Medians and p99 of GET /v1/me with observability on and off (`pair` from startObservabilityPair), requests alternating between the two. */
export async function measureObservabilityCost({ pair, rounds, warmup }) {
  const { on, off } = pair;
  try {
    const [onAuth, offAuth] = [await signedIn(on), await signedIn(off)];
    for (let i = 0; i < warmup; i++) {
      await timedMe(on, onAuth);
      await timedMe(off, offAuth);
    }
    const withIt = [];
    const without = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (i % 2 === 0) {
        withIt.push(await timedMe(on, onAuth));
        without.push(await timedMe(off, offAuth));
      } else {
        without.push(await timedMe(off, offAuth));
        withIt.push(await timedMe(on, onAuth));
      }
    }
    return { on: summarize(withIt), off: summarize(without) };
  } finally {
    await pair.stop();
  }
}
