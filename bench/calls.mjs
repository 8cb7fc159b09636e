// Call setup latency against the real local stack (`wrangler dev`):
//   ring:   POST /v1/calls  ->  `call.incoming` on the callee's hub socket
//   answer: POST /v1/calls/:id/accept  ->  both users' hubs show `call.state` answered
// Run: npm run bench:calls  (CALLS=60 PAIRS=6 to change the sample size)
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";

const CALLS = Number(process.env.CALLS ?? 60);
const PAIRS = Number(process.env.PAIRS ?? 6);
const WARMUP = 5;

const server = await startDevServer({
  port: 8793,
  name: "calls-bench",
  vars: {
    STUN_URLS: "",
    RATE_LIMIT_REGISTER_PER_IP: "100000/300",
    RATE_LIMIT_LOGIN_PER_IP: "100000/300",
    // The bench rings the same pairs over and over on purpose.
    RATE_LIMIT_CALLS_PER_PAIR: "100000/600",
    RATE_LIMIT_CALLS_PER_USER: "100000/3600",
  },
});

async function request(path, { method, token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, { method: method ?? (body ? "POST" : "GET"), headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method ?? "GET"} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function register(label) {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}@bench.example`;
  const body = await request("/v1/auth/register", { body: { email, password: `bench password ${email}`, displayName: label } });
  return { id: body.user.id, token: body.accessToken };
}

/** A hub socket that resolves waiters as soon as a matching frame arrives (timestamps taken on arrival). */
async function openHub(user) {
  const { ticket } = await request("/v1/realtime/tickets", { method: "POST", token: user.token });
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/realtime?ticket=${ticket}`);
  const waiters = new Set();
  ws.addEventListener("message", (event) => {
    const at = performance.now();
    const frame = JSON.parse(String(event.data));
    for (const waiter of waiters) {
      if (waiter.match(frame)) {
        waiters.delete(waiter);
        waiter.resolve(at);
      }
    }
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("hub socket failed")), { once: true });
  });
  return {
    ws,
    waitFor(match, timeoutMs = 10_000, what = "a hub frame") {
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => waiters.delete(waiter) && reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      });
    },
  };
}

const ring = [];
const answer = [];
try {
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    const caller = await register(`caller${i}`);
    const callee = await register(`callee${i}`);
    pairs.push({ caller, callee, callerHub: await openHub(caller), calleeHub: await openHub(callee) });
  }
  for (let i = 0; i < CALLS + WARMUP; i++) {
    const { caller, callee, callerHub, calleeHub } = pairs[i % pairs.length];
    let callId;
    const incoming = calleeHub.waitFor((f) => f.type === "call.incoming" && (!callId || f.call.id === callId));
    const t0 = performance.now();
    const call = await request("/v1/calls", { token: caller.token, body: { calleeId: callee.id, type: "voice" } });
    callId = call.id;
    const rang = await incoming;

    const answered = (f) => f.type === "call.state" && f.call.id === call.id && f.call.status === "answered";
    const bothAnswered = Promise.all([callerHub.waitFor(answered, 10_000, "caller answered"), calleeHub.waitFor(answered, 10_000, "callee answered")]);
    const t1 = performance.now();
    await request(`/v1/calls/${call.id}/accept`, { method: "POST", token: callee.token });
    const seen = Math.max(...(await bothAnswered));

    if (i >= WARMUP) {
      ring.push(rang - t0);
      answer.push(seen - t1);
    }
    const ended = (f) => f.type === "call.state" && f.call.id === call.id && f.call.status === "ended";
    const bothEnded = Promise.all([callerHub.waitFor(ended, 10_000, "caller ended"), calleeHub.waitFor(ended, 10_000, "callee ended")]);
    await request(`/v1/calls/${call.id}/end`, { method: "POST", token: caller.token });
    await bothEnded;
  }
  for (const { callerHub, calleeHub } of pairs) {
    callerHub.ws.close();
    calleeHub.ws.close();
  }
} catch (error) {
  console.error(server.output());
  throw error;
} finally {
  await server.stop();
}

const print = (label, samples) => {
  const s = summarize(samples);
  console.log(`${label.padEnd(44)} n=${s.n}  median ${fmt(s.p50)}  p99 ${fmt(s.p99)}  min ${fmt(s.min)}  max ${fmt(s.max)}`);
};
console.log(`calls bench against wrangler dev (${PAIRS} caller/callee pairs, ${CALLS} calls after ${WARMUP} warm-up)`);
print("POST /v1/calls -> call.incoming on callee hub", ring);
print("accept -> both hubs see answered", answer);
