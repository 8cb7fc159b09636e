// Chat room benchmark against `wrangler dev`: one sender socket and N receiving sockets in one
// room. Three systems in one run, each under its own `wrangler dev`:
//   project  this platform's chat room (stored before acknowledged, seq, limits, session checks)
//   bare     the limit: bench/bare-broadcast, a Durable Object that only broadcasts each frame to
//            its hibernated sockets (no storage, no checks)
//   bare-stored  the same room writing each frame to SQLite before it broadcasts: what durability
//            alone costs (the output gate holds the broadcast until the write is confirmed)
//   demo     cloudflare/workers-chat-demo, with --peer-dir <checkout> (started fresh by the bench) or
//            --peer <url> (one you started) (docs/chat.md, "Benchmark")
// The ceiling load (2 receivers) ramps the offered rate step by step until acknowledgements fall
// behind (accepted < 90% of offered) at two steps running, and reports the best step's sustained
// accepted and delivered rates (a step that falls behind drains its backlog, so its rate is what
// the target sustains under overload; one stall on a busy machine does not end the ramp);
// the fan-out loads (50 receivers at 200 msg/s, 200 at 50) run at a fixed rate and report
// delivered/s and p50/p99 from send to delivery. Every row gives the workerd CPU per message and
// the bench client's own CPU (it must not be the bottleneck) and stalls (watchClientStalls); the machine, its load before and
// after, each isolate's V8 heap (what one garbage collection has to mark, so what a pause costs),
// and the ratios to the bare room and the demo are printed with the figures. For this project, the
// whole history is read back after each load to check seq 1..n.
//
// The sockets connect to each target's workerd runtime directly, behind wrangler's dev proxy (a
// workerd of wrangler's own that forwards every frame, there so a reload can swap the runtime; no
// deployment has it): on a busy machine its CPU per frame, the same for every target, hid the
// differences between the rooms. --via-proxy measures through it.
//
//   npm run bench:chat                                   project and bare
//   npm run bench:chat -- --peer-dir ../workers-chat-demo                  and workers-chat-demo, fresh
//   npm run bench:chat -- --peer http://127.0.0.1:8870 --peer-inspector 9229   and a demo you started
//
// Options: --port <n> (this project, default 8791), --bare-port <n> (default 8793; bare-stored on the next port),
// --loads 2xramp,50x200,200x50 (receivers x msg/s, or "ramp"), --ramp 250,500,...,2000,2500,...,16000
// (offered msg/s per step, about 1.25x apart: doubling steps read a ceiling anywhere between two
// steps as the lower one; starting at 250 so a busy machine's ceiling is found, not overrun),
// --step-seconds <n> (per ramp step, default 3), --seconds <n> (per fixed load, default 5),
// --rounds <n> (default 1; with more than one and the demo, the run ends by counting, per fan-out load, the
// rounds whose p99 is at or below the demo's, the bare rooms' too, and each room's p99 over all rounds together), --profile <dir> (a CPU profile and an allocation profile of every
// target with an inspector, per load: <dir>/<load>-<target>.cpuprofile and .heapprofile, and the
// top functions of each printed; the demo's with --peer-inspector; with --profile-survivors the allocations are only those that
// outlived a young-generation collection), --profile-live <dir> (what each isolate still holds at the end, garbage since its last
// major collection included, of what it allocated from before the first request to the end of the loads, by allocation site: <dir>/<target>.heapprofile),
// --trace-gc <dir> (V8's record of every collection of each server's isolates, in <dir>/<target>.gc.log, and for the rooms' isolate
// how often it collected in full, each pause split into V8's own phases and the rest, and which of V8's limits set each off),
// --heap-snapshot <dir> (a heap snapshot of each target's isolate after each load, its sockets still open: <dir>/<label>.heapsnapshot,
// and what it holds printed: live bytes by kind, and the runtime's objects on its C++ heap; not with --profile or --profile-live),
// --v8-flags="<flags>" (with --trace-gc, more flags for the runtime's V8, e.g. --trace-gc-verbose; what they print lands in the same log), --heap-timeline (each load's collections, read as falls of more than 1 MB of each isolate's heap polled every 10 ms: when, and the heap
// before and after each), --peer-dir <checkout> (the bench starts workers-chat-demo from it, fresh, on --peer-port
// <n>, default 8870, its inspector 1,000 above), --peer-inspector <port> (with --peer: the demo's inspector, for its heap;
// `wrangler dev` serves it on 9229 unless told otherwise), --bare-ballast <n> (the bare rooms keep
// n schema-like records alive, about 80 objects each: 900 is about what the realtime Worker's bundle
// adds to its isolate, 4,000 what the whole platform's did; what a heap that size alone does to their latency), --bare-code realtime
// (the bare rooms also load the realtime Worker's code, every module evaluated and never called:
// this room's isolate without its work), --bare-code realtime-without-libraries (the same with zod and drizzle replaced by
// stand-ins: that isolate without those libraries and what the code builds with them), --bare-deflate (the bare rooms' sockets agree to permessage-deflate, as
// the demo's do; by default they refuse it, as this room's do, so the limit is the same frames on the same wire), --busy <n> (n CPU-bound processes run beside
// the bench the whole time: a busy machine on demand), --via-proxy (through wrangler's dev proxy),
// --fanout-shards <n> (CHAT_FANOUT_SHARDS of this project's server: how many objects hold the general
// chat's sockets; 0: the room holds them all itself, which measures one object's limit), --general
// (every load in the general chat; loads of more than 999 receivers always are), --keep-accounts
// (this project's server keeps its state and its users between runs, in .wrangler/state-chat-kept:
// registering hashes each password, about 0.1 s of the API Worker's one thread, so 10,000 users take
// 15-20 minutes once; a later run signs them in again with their refresh tokens), --timeline <dir>
// (each message's slowest delivery by the time it was sent, as JSON, and when the slowest 1% were sent; <label>.start beside it: when the load began, in ms since the epoch), --targets
// bare,bare-stored (which bare rooms run beside this project, which always does: workerd keeps
// about 0.5 MB per open socket, so three servers of 10,000 sockets each would not fit beside other work).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeConfigWithStandIns } from "./bare-broadcast/library-stand-ins.mjs";
import { parseGcTrace, summarizeGcTrace } from "./lib/gc-trace.mjs";
import { heapSnapshotLines, summarizeHeapSnapshot } from "./lib/heap-snapshot.mjs";
import { attachProfiler, heapInUse, takeHeapSnapshot, watchHeap } from "./lib/inspector.mjs";
import { fmt, span, startBenchWorker, startDevServer, summarize } from "./lib/dev-server.mjs";
import { loadLine, machineLine, startBusyLoad } from "./lib/machine.mjs";
import { localObservabilityOf, runtimeInspectorUrl, runtimeUrl, workerdGroup, workerdUsage } from "./lib/workerd-usage.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

const { values: options } = parseArgs({
  options: {
    peer: { type: "string" },
    "peer-dir": { type: "string" },
    "peer-port": { type: "string", default: "8870" },
    port: { type: "string", default: "8791" },
    "bare-port": { type: "string", default: "8793" },
    seconds: { type: "string", default: process.env.CHAT_BENCH_SECONDS ?? "5" },
    "step-seconds": { type: "string", default: "3" },
    loads: { type: "string", default: "2xramp,50x200,200x50" },
    ramp: { type: "string", default: "250,500,750,1000,1250,1500,2000,2500,3000,3500,4000,5000,6000,8000,10000,13000,16000" },
    rounds: { type: "string", default: "1" },
    profile: { type: "string" },
    "peer-inspector": { type: "string" },
    "bare-ballast": { type: "string", default: "0" },
    "bare-code": { type: "string" },
    "bare-deflate": { type: "boolean", default: false },
    "via-proxy": { type: "boolean", default: false },
    "profile-survivors": { type: "boolean", default: false },
    "profile-live": { type: "string" },
    "heap-timeline": { type: "boolean", default: false },
    "heap-snapshot": { type: "string" },
    "trace-gc": { type: "string" },
    "v8-flags": { type: "string" },
    busy: { type: "string", default: "0" },
    "fanout-shards": { type: "string" },
    general: { type: "boolean", default: false },
    "keep-accounts": { type: "boolean", default: false },
    timeline: { type: "string" },
    targets: { type: "string", default: "bare,bare-stored" },
  },
});
const PORT = Number(options.port);
const BARE_PORT = Number(options["bare-port"]);
const SECONDS = Number(options.seconds);
const STEP_SECONDS = Number(options["step-seconds"]);
const RAMP = options.ramp.split(",").map(Number);
const LOADS = options.loads.split(",").map((spec) => {
  const [receivers, rate] = spec.split("x");
  return { receivers: Number(receivers), rate: rate === "ramp" ? "ramp" : Number(rate) };
});
/** Acknowledgements below this share of the offered rate: the target fell behind, the ramp stops. */
const KEEPS_UP = 0.9;
const ROUNDS = Number(options.rounds);
const MAX_RECEIVERS = Math.max(...LOADS.map((l) => l.receivers));
/** Most member ids `POST /v1/chats` takes for a group: a larger room is the general chat. */
const GROUP_CREATE_MAX = 1000;
/** A delivery later than this counts as not delivered. */
const DELIVERY_DEADLINE_MS = 15_000;
/**
 * How long after the sign-ups nothing is measured. Each sign-up wakes a RateLimiter object (one
 * per address), which the runtime closes about 10 s after its last request, checkpointing and
 * syncing its SQLite on the thread that also runs the rooms: the 51 of a run at 50 receivers held
 * this room's messages 7-9 ms at a time when they closed during its first load
 * (docs/performance.md, the section of 2026-11-28 13:48). Setting up is the bench's work, not the
 * room's.
 */
const SET_UP_OBJECTS_CLOSE_MS = 11_000;
/** Where each server of the bench serves its inspector (this project's, the bare rooms'). */
const INSPECTOR_PORT = PORT + 1000;
const BARE_INSPECTOR_PORT = BARE_PORT + 1000;
const BARE_BALLAST = Number(options["bare-ballast"]);
/**
 * --bare-code realtime: the bare rooms also load the realtime Worker's code (bench/bare-broadcast/with-realtime-code.js);
 * realtime-without-libraries: the same code with zod and drizzle replaced by stand-ins (bench/bare-broadcast/library-stand-ins.mjs).
 */
const BARE_CODES = {
  realtime: "the realtime Worker's code loaded",
  "realtime-without-libraries": "the realtime Worker's code loaded, zod and drizzle replaced by stand-ins",
};
if (options["bare-code"] !== undefined && !Object.hasOwn(BARE_CODES, options["bare-code"]))
  throw new Error(`--bare-code takes ${Object.keys(BARE_CODES).join(" or ")}`);
const BARE_CONFIG =
  options["bare-code"] === "realtime-without-libraries"
    ? await writeConfigWithStandIns(path.join(root, ".tmp", "bench-bare-code"))
    : path.join(root, "bench", "bare-broadcast", options["bare-code"] === "realtime" ? "wrangler.realtime-code.toml" : "wrangler.toml");
if (options.peer && options["peer-dir"]) throw new Error("--peer (a demo you started) and --peer-dir (a demo the bench starts) exclude each other: choose one");
/** --peer-dir: the demo's server, started fresh by the bench, and its inspector (for its heap and profiles). */
const PEER_PORT = Number(options["peer-port"]);
const PEER_INSPECTOR_PORT = PEER_PORT + 1000;

/** Which of this machine's servers run (the demo joins with --peer): each holds every socket of a load at once. */
const TARGETS = new Set(options.targets.split(","));
// Each of these holds an isolate's one inspector session for the whole load.
if (options.profile && options["profile-live"]) throw new Error("--profile and --profile-live both sample allocations: choose one");
if (options["heap-timeline"] && (options.profile || options["profile-live"]))
  throw new Error("--heap-timeline reads the heap through the inspector session that --profile and --profile-live hold: choose one");
if (options["heap-snapshot"] && (options.profile || options["profile-live"]))
  throw new Error("--heap-snapshot needs the isolate's inspector session, which --profile and --profile-live hold for the whole run: choose one");
if (options["v8-flags"] && !options["trace-gc"])
  throw new Error("--v8-flags adds to --trace-gc's flags, and what they print lands in its log: give --trace-gc <dir> too");
/** The runtime's V8 flags under --trace-gc: one JSON object per collection (--trace-gc-nvp), and --v8-flags. */
const V8_FLAGS = options["trace-gc"] ? ["--trace-gc", "--trace-gc-nvp", ...(options["v8-flags"] ? [options["v8-flags"]] : [])].join(" ") : undefined;
/**
 * Leads every clientId: with --keep-accounts the same users send in every run, and a clientId sent
 * before is a resend, acknowledged with the stored message and never broadcast again.
 */
const RUN = Date.now().toString(36);
/** The Worker that hosts the chat rooms (workers/realtime/wrangler.toml). */
const REALTIME_WORKER = "edge-platform-realtime";

// ---- what one socket of the bench does, whatever the server speaks --------------------------

/** `headers`: for this project's sockets, the Bearer token a native client upgrades with (one request less than a ticket). */
function openWebSocket(url, headers) {
  return new Promise((resolve, reject) => {
    const ws = headers ? new WebSocket(url, { headers }) : new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no open within 10 s: ${url}`)), 10_000);
    ws.addEventListener("open", () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.addEventListener("error", () => {
      clearTimeout(timer);
      reject(new Error(`socket error: ${url}`));
    });
  });
}

/** Resolves with the first frame `accept` returns true for. */
function nextFrame(ws, accept, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000);
    ws.addEventListener("message", function listener(event) {
      const frame = JSON.parse(event.data);
      if (!accept(frame)) return;
      clearTimeout(timer);
      ws.removeEventListener("message", listener);
      resolve(frame);
    });
  });
}

async function inBatches(count, width, task) {
  const out = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

/**
 * Where the bench's sockets connect: the workerd runtime behind `url` (wrangler's dev proxy, which
 * forwards every frame, left out for every target), or with --via-proxy `url` itself.
 */
async function socketBase(url, probePath) {
  if (options["via-proxy"]) return url.replace(/^http/, "ws");
  const direct = await runtimeUrl(Number(new URL(url).port), probePath);
  if (!direct) throw new Error(`no workerd runtime found behind ${url} (Linux and \`ss\` are needed to find it); --via-proxy measures through the proxy`);
  return direct.replace(/^http/, "ws");
}

/** With --profile or --profile-live, a profiler on the server's inspector (the server is stopped if it cannot attach). */
async function profilerFor(inspectorPort, server) {
  if (!options.profile && !options["profile-live"]) return undefined;
  try {
    const profiler = await attachProfiler(inspectorPort, { survivorsOnly: options["profile-survivors"] });
    if (options["profile-live"]) {
      profiler.heapWhenAttached = await profiler.heapInUse();
      await profiler.liveStart();
    }
    return profiler;
  } catch (error) {
    await server.stop();
    throw error;
  }
}

// ---- targets: how to get a room, send into it and read what comes back ------------------------
// A target's room has `sender` and `receivers` (open sockets), `send(ws, clientId, text)`,
// `classify(data, atSender)` -> { kind: "accepted"|"delivered"|"error"|null, clientId }, `verify()`
// and `close()`. `classify` reads the raw frame text and finds the clientId by position instead of
// parsing every frame: at 10,000 frames/s the client shares the 2 cores with both servers, and
// parsing our (larger) frames would make the client's own CPU part of the figures.

/** The JSON string value that follows `key` in `text` (bench frames: ids without escapes). */
function stringAfter(text, key, end = '"') {
  const at = text.indexOf(key);
  if (at < 0) return undefined;
  const from = at + key.length;
  return text.slice(from, text.indexOf(end, from));
}

/** This project: registered users, a group chat, ticketed sockets, `message.send` frames. */
async function projectTarget() {
  const kept = options["keep-accounts"];
  const server = await startDevServer({
    port: PORT,
    name: kept ? "chat-kept" : "chat",
    fresh: !kept,
    inspectorPort: INSPECTOR_PORT,
    v8Flags: V8_FLAGS,
    vars: {
      RATE_LIMIT_REGISTER_PER_IP: "100000/300",
      // One sender offers up to 1,000 msg/s: the per-user limit stays on, set above the load.
      RATE_LIMIT_CHAT_MESSAGES: "100000/1",
      CHAT_MAX_GROUP_MEMBERS: String(MAX_RECEIVERS + 1),
      ...(options["fanout-shards"] !== undefined ? { CHAT_FANOUT_SHARDS: options["fanout-shards"] } : {}),
      // One fresh group per load and round, all created by the same user.
      RATE_LIMIT_GROUPS_PER_USER: "100000/3600",
    },
  });

  // The rooms run in the realtime Worker, the session's second: wrangler's inspector shows only the
  // first (the API's), so the bench weighs and profiles the rooms through the runtime's own inspector.
  // It attaches before the users register, so --profile-live sees all the isolate did.
  const roomsInspector = await runtimeInspectorUrl(PORT, REALTIME_WORKER);
  if (!roomsInspector) console.log(`  (the realtime Worker's inspector was not found: heap and profile are the API Worker's)`);
  const profiler = await profilerFor(roomsInspector ?? INSPECTOR_PORT, server);

  async function call(path, { method, token, body, ip } = {}) {
    const headers = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (ip) headers["cf-connecting-ip"] = ip;
    const verb = method ?? (body ? "POST" : "GET");
    const response = await fetch(`${server.url}${path}`, { method: verb, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await response.text();
    if (!response.ok) throw new Error(`${verb} ${path} -> ${response.status} ${text}\n${server.output().slice(-3000)}`);
    return text ? JSON.parse(text) : null;
  }

  // Each registration hashes its password (argon2id, 19 MiB) in the API Worker's one isolate:
  // 16 at a time keeps that isolate busy without a queue of requests timing out behind it.
  const registeringSince = performance.now();
  const accountsFile = path.join(root, ".wrangler", "state-chat-kept", "bench-accounts.json");
  const keptAccounts = kept && existsSync(accountsFile) ? JSON.parse(readFileSync(accountsFile, "utf8")) : [];
  const saveAccounts = () => {
    if (!kept) return;
    const byId = new Map(keptAccounts.map((account) => [account.id, account]));
    for (const user of users) byId.set(user.id, { id: user.id, email: user.email, password: user.password, refreshToken: user.refreshToken });
    writeFileSync(accountsFile, JSON.stringify([...byId.values()]));
  };
  const signedIn = await inBatches(Math.min(keptAccounts.length, MAX_RECEIVERS + 1), 16, async (i) => {
    const account = keptAccounts[i];
    // A refresh token turns once: one spent by a run that stopped before it saved signs in with the password.
    const body = await call("/v1/auth/refresh", { body: { refreshToken: account.refreshToken } }).catch(() =>
      call("/v1/auth/login", { body: { email: account.email, password: account.password } }),
    );
    return { ...account, ...tokensOf(body) };
  });
  const registered = await inBatches(MAX_RECEIVERS + 1 - signedIn.length, 16, async (n) => {
    const i = signedIn.length + n;
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
    const email = `bench-${i}-${Date.now()}@example.com`;
    const password = `bench password ${i} ${Math.random()}`;
    const body = await call("/v1/auth/register", { ip, body: { email, password, displayName: `Bench ${i}` } });
    return { id: body.user.id, email, password, ...tokensOf(body) };
  });
  const users = [...signedIn, ...registered];
  const setUpAt = Date.now();
  saveAccounts();
  console.log(
    `  ${signedIn.length ? `signed ${signedIn.length} kept users in again, ` : ""}registered ${registered.length} users in ${((performance.now() - registeringSince) / 1000).toFixed(0)} s${kept ? ` (${Math.max(keptAccounts.length, users.length)} kept)` : ""}`,
  );

  /** The pair a register or refresh answered, with when its access token stops being good. */
  function tokensOf(body) {
    return { accessToken: body.accessToken, refreshToken: body.refreshToken, expiresAt: Date.now() + body.expiresIn * 1000 };
  }

  /**
   * `user`'s access token, refreshed first when it has less than a minute left: registering
   * thousands of users on a loaded machine takes longer than an access token lives (15 minutes),
   * and a long run's history check comes after its loads.
   */
  async function tokenOf(user) {
    if (Date.now() > user.expiresAt - 60_000) Object.assign(user, tokensOf(await call("/v1/auth/refresh", { body: { refreshToken: user.refreshToken } })));
    return user.accessToken;
  }

  async function connect(chatId, user) {
    const ws = await openWebSocket(`${socketOrigin}/v1/chats/${chatId}/ws`, { authorization: `Bearer ${await tokenOf(user)}` }).catch((error) => {
      // A refused upgrade says why only in the server's log.
      throw new Error(`${error.message}\n${server.output().slice(-3000)}`);
    });
    const hello = await nextFrame(ws, (f) => f.type === "hello", "hello");
    ws.lastSeq = hello.lastSeq;
    return ws;
  }

  const socketOrigin = await socketBase(server.url, "/health");
  return {
    name: "project",
    url: server.url,
    port: PORT,
    inspectorPort: roomsInspector ?? INSPECTOR_PORT,
    profiler,
    quietFrom: setUpAt + SET_UP_OBJECTS_CLOSE_MS,
    stop: () => {
      profiler?.close();
      saveAccounts();
      reportGcTrace("project", server);
      return server.stop();
    },
    async room(receivers) {
      const members = users.slice(0, receivers + 1);
      // A room of thousands is the general chat, which holds every account (a group takes at most
      // 1,000 ids per request); its history goes on from run to run, so it is checked from where this one began.
      const chat =
        members.length > GROUP_CREATE_MAX || options.general
          ? { id: "general" }
          : await call("/v1/chats", {
              token: await tokenOf(members[0]),
              body: { type: "group", title: `bench ${receivers}`, memberIds: members.slice(1).map((u) => u.id) },
            });
      const connectingSince = performance.now();
      const sockets = await inBatches(members.length, 32, (i) => connect(chat.id, members[i]));
      if (chat.id === "general")
        console.log(`  ${sockets.length} sockets open in the general chat in ${((performance.now() - connectingSince) / 1000).toFixed(0)} s`);
      const startSeq = sockets[0].lastSeq ?? 0;
      return {
        sender: sockets[0],
        receivers: sockets.slice(1),
        // The clientId leads the text too, as with the demo: message.new tells receivers no clientId.
        send: (ws, clientId, text) => ws.send(JSON.stringify({ type: "message.send", clientId, text: `${clientId} ${text}` })),
        classify(data) {
          // The server writes `type` first; the ack names the clientId, message.new's text starts with it.
          if (data.startsWith('{"type":"message.new"')) return { kind: "delivered", clientId: stringAfter(data, '"text":"', " ") };
          if (data.startsWith('{"type":"message.ack"')) return { kind: "accepted", clientId: stringAfter(data, '"clientId":"') };
          if (data.includes('"type":"error"')) return { kind: "error" };
          return { kind: null };
        },
        // Everything acknowledged must be in the room's history, seq 1..n (after startSeq) without gaps.
        async verify() {
          const seqs = [];
          let cursor = null;
          do {
            const page = await call(`/v1/chats/${chat.id}/messages?${cursor ? `cursor=${cursor}` : `after=${startSeq}`}&limit=100`, {
              token: await tokenOf(members[0]),
            });
            seqs.push(...page.items.map((m) => m.seq));
            cursor = page.nextCursor;
          } while (cursor);
          return { stored: seqs.length, contiguous: seqs.every((s, i) => s === startSeq + i + 1) };
        },
        close: () => sockets.forEach((ws) => ws.close()),
      };
    },
  };
}

/**
 * --peer-dir <dir>: workers-chat-demo checked out at <dir>, started by the bench under `wrangler dev`
 * with a fresh state of its own, as this project's servers and the bare rooms are. A demo server
 * left running between runs slowed down run after run (its p99 at 50 x 200 over four rounds:
 * 13-25 ms in six runs each with a demo started for it, 25-230 ms after 1-1.5 hours of earlier
 * runs; docs/performance.md), which flattered every room compared with it.
 */
async function startedDemo(dir) {
  const config = path.resolve(dir, "wrangler.toml");
  if (!existsSync(config)) throw new Error(`--peer-dir ${dir}: no wrangler.toml there (a checkout of cloudflare/workers-chat-demo, docs/chat.md)`);
  console.log(`starting workers-chat-demo (${dir}) on port ${PEER_PORT}, with a fresh state...`);
  const server = await startBenchWorker({ port: PEER_PORT, name: "bench-demo", config, inspectorPort: PEER_INSPECTOR_PORT, v8Flags: V8_FLAGS });
  try {
    return await demoTarget(server.url, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * cloudflare/workers-chat-demo: a room by name, a socket joins with `{name}` and is ready at
 * `{ready:true}`; `{message}` is broadcast to every joined socket, the sender's own included
 * (its echo is the demo's acknowledgement). The demo keeps no ids, so the clientId leads the text.
 */
async function demoTarget(url, server) {
  const port = Number(new URL(url).port || 80);
  const page = await fetch(url).catch((error) => {
    throw new Error(`--peer ${url} does not answer (${error.cause?.code ?? error.message}); start workers-chat-demo there first`);
  });
  if (!page.ok) throw new Error(`--peer ${url} -> ${page.status}`);
  const socketOrigin = await socketBase(url, "/");
  const inspectorPort = server ? PEER_INSPECTOR_PORT : options["peer-inspector"] ? Number(options["peer-inspector"]) : undefined;
  const profiler = inspectorPort ? await profilerFor(inspectorPort, server ?? { stop: async () => {} }) : undefined;
  let rooms = 0;

  async function join(roomName, name) {
    const ws = await openWebSocket(`${socketOrigin}/api/room/${roomName}/websocket`);
    const ready = nextFrame(ws, (f) => f.ready === true || f.error !== undefined, "ready");
    ws.send(JSON.stringify({ name }));
    const frame = await ready;
    if (frame.error)
      throw new Error(
        `demo refused ${name}: ${frame.error}${/rate-limited/.test(frame.error) ? " (every socket comes from one IP here: make RateLimiterClient.checkLimit() in the demo's src/chat.mjs start with `return true;`, docs/chat.md)" : ""}`,
      );
    return ws;
  }

  return {
    name: "demo",
    url,
    port,
    inspectorPort,
    profiler,
    stop: async () => {
      profiler?.close();
      if (!server) return;
      reportGcTrace("demo", server);
      await server.stop();
    },
    async room(receivers) {
      const roomName = `bench-${receivers}-${Date.now().toString(36)}-${rooms++}`;
      const sockets = await inBatches(receivers + 1, 20, (i) => join(roomName, `bench${i}`));
      return {
        sender: sockets[0],
        receivers: sockets.slice(1),
        send: (ws, clientId, text) => ws.send(JSON.stringify({ message: `${clientId} ${text}` })),
        classify(data, atSender) {
          // {"name":..,"message":"<clientId> <text>","timestamp":..}; joined/quit/ready frames have no message.
          const clientId = stringAfter(data, '"message":"', " ");
          if (clientId !== undefined) return { kind: atSender ? "accepted" : "delivered", clientId };
          if (data.startsWith('{"error"')) return { kind: "error" };
          return { kind: null };
        },
        // The demo has no history API; it stores after broadcasting (storage.put per message).
        async verify() {
          return null;
        },
        close: () => sockets.forEach((ws) => ws.close()),
      };
    },
  };
}

/**
 * The limit: bench/bare-broadcast under its own `wrangler dev`. A socket sends `<clientId> <text>`
 * and every socket of the room gets it back, the sender's echo being the acknowledgement.
 */
/**
 * The bare room; `stored`: the same object writing each frame to SQLite before it broadcasts. Each
 * under a server of its own: a stored room far behind at the top of its ramp still drains its
 * commits for seconds, which would stall the next target on the same server.
 */
async function bareTarget(stored) {
  const port = stored ? BARE_PORT + 1 : BARE_PORT;
  const inspectorPort = BARE_INSPECTOR_PORT + (stored ? 1 : 0);
  const server = await startBenchWorker({
    port,
    name: stored ? "bench-bare-stored" : "bench-bare",
    config: BARE_CONFIG,
    vars: {
      ...(BARE_BALLAST > 0 ? { BALLAST_RECORDS: String(BARE_BALLAST) } : {}),
      ...(options["bare-deflate"] ? { DEFLATE_SOCKETS: "1" } : {}),
    },
    inspectorPort,
    v8Flags: V8_FLAGS,
  });
  const url = server.url;
  const socketOrigin = await socketBase(url, "/");
  const profiler = await profilerFor(inspectorPort, server);
  let rooms = 0;
  return {
    name: stored ? "bare-stored" : "bare",
    url,
    port,
    inspectorPort,
    profiler,
    stop: () => {
      profiler?.close();
      reportGcTrace(stored ? "bare-stored" : "bare", server);
      return server.stop();
    },
    async room(receivers) {
      const roomName = `bench-${receivers}-${Date.now().toString(36)}-${rooms++}`;
      const sockets = await inBatches(receivers + 1, 20, () => openWebSocket(`${socketOrigin}/room/${roomName}/websocket${stored ? "?store=1" : ""}`));
      return {
        sender: sockets[0],
        receivers: sockets.slice(1),
        send: (ws, clientId, text) => ws.send(`${clientId} ${text}`),
        classify(data, atSender) {
          return { kind: atSender ? "accepted" : "delivered", clientId: data.slice(0, data.indexOf(" ")) };
        },
        async verify() {
          return null;
        },
        close: () => sockets.forEach((ws) => ws.close()),
      };
    },
  };
}

// ---- one load against one target ---------------------------------------------------------------

/** One load; `warmUp`: the untimed run before the first, which takes no heap snapshot. */
async function measure(target, { receivers, rate }, seconds, label, { warmUp = false } = {}) {
  const room = await target.room(receivers);
  // What the target's sockets agreed to (permessage-deflate or nothing), printed after the warm-up.
  target.extensions ??= room.sender.extensions;
  const sentAt = new Map();
  /** Each message's slowest delivery (--timeline). */
  const slowest = new Map();
  const latencies = [];
  let accepted = 0;
  let delivered = 0;
  let late = 0;
  let errors = 0;
  let lastAcceptedAt = 0;
  let lastDeliveredAt = 0;
  let closed = 0;
  for (const ws of [room.sender, ...room.receivers]) {
    const atSender = ws === room.sender;
    ws.addEventListener("close", () => closed++);
    ws.addEventListener("message", (event) => {
      const now = performance.now();
      const { kind, clientId } = room.classify(event.data, atSender);
      if (kind === "accepted") {
        accepted++;
        lastAcceptedAt = now;
      } else if (kind === "delivered") {
        const latency = now - sentAt.get(clientId);
        if (latency > DELIVERY_DEADLINE_MS) {
          late++;
          return;
        }
        delivered++;
        lastDeliveredAt = now;
        latencies.push(latency);
        if (latency > (slowest.get(clientId) ?? 0)) slowest.set(clientId, latency);
      } else if (kind === "error") {
        errors++;
      }
    });
  }

  const pids = workerdGroup(target.port);
  if (options.profile) await target.profiler?.start();
  const heapWatch = options["heap-timeline"] && target.inspectorPort ? await watchHeap(target.inspectorPort) : undefined;
  const clientStalls = watchClientStalls();
  const before = workerdUsage(pids);
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent < due) {
        const clientId = `${RUN}-${label}-${sent}`;
        sentAt.set(clientId, performance.now());
        room.send(room.sender, clientId, `message ${sent} of ${total}`);
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const sendEnded = performance.now();
  const expected = total * receivers;
  while ((accepted + errors < total || delivered < expected) && performance.now() < sendEnded + DELIVERY_DEADLINE_MS) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const after = workerdUsage(pids);
  const clientCpu = process.cpuUsage(clientBefore);
  const clientStall = clientStalls.stop();
  const heap = await heapWatch?.stop();
  const profile = options.profile ? await target.profiler?.stop(path.join(options.profile, `${label}.cpuprofile`)) : undefined;
  // After the load (a snapshot runs a full collection), with the room's sockets still open.
  const heapSnapshot = options["heap-snapshot"] && target.inspectorPort && !warmUp ? await snapshotOf(target, label) : undefined;
  // The bench client's share of one core while sending and receiving: near 100% it, not the server, sets the pace.
  const clientCpuShare = (clientCpu.user + clientCpu.system) / 1000 / (Math.max(lastAcceptedAt, lastDeliveredAt, sendEnded) - wallBefore);
  const droppedSockets = closed;
  const verified = await room.verify();
  room.close();

  const stats = summarize(latencies);
  if (options.timeline) writeTimeline(label, started, sentAt, slowest);
  return {
    accepted,
    total,
    errors,
    acceptedPerSecond: accepted / ((lastAcceptedAt - started) / 1000),
    delivered,
    expected,
    undelivered: expected - delivered,
    late,
    deliveredPerSecond: delivered / ((lastDeliveredAt - started) / 1000),
    p50: stats.p50,
    p99: stats.p99,
    // Every delivery's latency, kept for the p99 over all rounds of a run (p99Odds).
    latencies,
    cpuMsPerMessage: pids.length ? (after.cpuMs - before.cpuMs) / Math.max(1, accepted) : NaN,
    rssMb: pids.length ? after.rssBytes / 1e6 : NaN,
    verified,
    droppedSockets,
    clientCpuShare,
    clientStall,
    load1: os.loadavg()[0],
    profile,
    heap,
    heapSnapshot,
  };
}

/** --heap-snapshot: the target's isolate after a load, written to <dir>/<label>.heapsnapshot and summarised. */
async function snapshotOf(target, label) {
  try {
    return summarizeHeapSnapshot(await takeHeapSnapshot(target.inspectorPort, path.join(options["heap-snapshot"], `${label}.heapsnapshot`)));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * What the bench client's own process adds to the latencies it measures: a delivery is timed when
 * the client's event loop reads it, so a loop held by a handler or by the client's garbage
 * collector delays every delivery queued behind it, whichever room sent it. The loop's delay
 * (p99 and longest, sampled every millisecond) and the client's collections (count, longest pause)
 * during the load: a p99 whose difference between rooms is smaller than these is the client's.
 */
function watchClientStalls() {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const pauses = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push(entry.duration);
  });
  observer.observe({ entryTypes: ["gc"] });
  loop.enable();
  return {
    stop() {
      loop.disable();
      observer.disconnect();
      return {
        loopP99Ms: loop.percentile(99) / 1e6,
        loopMaxMs: loop.max / 1e6,
        gcCount: pauses.length,
        gcMaxMs: pauses.length ? Math.max(...pauses) : 0,
      };
    },
  };
}

/**
 * The ceiling: the offered rate goes up step by step until acknowledgements fall behind (or the
 * steps end); the best step's accepted and delivered rates are the target's sustained ceiling.
 */
async function ramp(target, receivers, label) {
  const steps = [];
  for (const rate of RAMP) {
    const row = await measure(target, { receivers, rate }, STEP_SECONDS, `${label}-${rate}`);
    steps.push({ rate, row });
    console.log(`    ${String(rate).padStart(6)} offered  ${describe(target.name, row)}`);
    if (row.errors > 0 || row.droppedSockets > 0) break;
    // Two steps behind in a row: one stall (a collection, a busy core) does not end the ramp.
    if (steps.slice(-2).filter((step) => step.row.acceptedPerSecond < KEEPS_UP * step.rate).length === 2) break;
  }
  const best = steps.reduce((a, b) => (b.row.acceptedPerSecond > a.row.acceptedPerSecond ? b : a));
  return { ...best.row, rampedTo: steps.at(-1).rate, bestOffered: best.rate };
}

/** A short untimed run so both sides are warm (JIT, room code loaded) before anything is measured. */
async function warmUp(target) {
  await measure(target, { receivers: 2, rate: 200 }, 1, `warm-${target.name}`, { warmUp: true });
}

/**
 * --timeline <dir>: each message's send time (ms into the load) and its slowest delivery, as JSON
 * per load and target, and the moments its slowest 1% were sent: a pause shows as a cluster there,
 * a room that falls behind as a rising tail.
 */
function writeTimeline(label, started, sentAt, slowest) {
  const rows = [...slowest].map(([clientId, ms]) => [Math.round(sentAt.get(clientId) - started), Math.round(ms * 10) / 10]).sort((a, b) => a[0] - b[0]);
  mkdirSync(options.timeline, { recursive: true });
  writeFileSync(path.join(options.timeline, `${label}.json`), JSON.stringify(rows));
  // When the load began (ms since the epoch), so its slow messages can be lined up with a
  // recording on the wall clock (`perf record -k CLOCK_REALTIME`, docs/performance.md).
  writeFileSync(path.join(options.timeline, `${label}.start`), String(Math.round(performance.timeOrigin + started)));
  const worst = [...rows].sort((a, b) => b[1] - a[1]).slice(0, Math.max(1, Math.ceil(rows.length / 100)));
  console.log(
    `    timeline: slowest 1% of messages sent at ${worst
      .map(([at, ms]) => `${(at / 1000).toFixed(2)} s (${ms} ms)`)
      .slice(0, 12)
      .join(", ")}`,
  );
}

// ---- report --------------------------------------------------------------------------------------

const ms = (v) => (Number.isFinite(v) ? (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : fmt(v)) : "-");
const perSecond = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}/s` : "-");
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : "-");

function describe(name, row) {
  const parts = [
    `${name.padEnd(8)}`,
    `accepted ${row.accepted}/${row.total} (${perSecond(row.acceptedPerSecond)})`,
    `delivered ${row.delivered}/${row.expected} (${perSecond(row.deliveredPerSecond)})`,
    `p50 ${ms(row.p50)} p99 ${ms(row.p99)}`,
    `undelivered in 15 s ${row.undelivered}`,
    Number.isFinite(row.cpuMsPerMessage) ? `workerd ${row.cpuMsPerMessage.toFixed(2)} ms CPU/msg, ${row.rssMb.toFixed(0)} MB` : "",
    row.verified ? `stored ${row.verified.stored}/${row.accepted}${row.verified.contiguous ? " seq 1..n" : " SEQ GAPS"}` : "",
    row.errors ? `errors ${row.errors}` : "",
    row.droppedSockets ? `SOCKETS CLOSED BY THE SERVER: ${row.droppedSockets}` : "",
    `client ${(row.clientCpuShare * 100).toFixed(0)}% of a core${row.clientCpuShare > 0.85 ? " (THE CLIENT MAY BE THE LIMIT)" : ""}`,
    `client loop delay p99 ${ms(row.clientStall.loopP99Ms)} max ${ms(row.clientStall.loopMaxMs)}, ${row.clientStall.gcCount} GCs (longest ${ms(row.clientStall.gcMaxMs)})`,
  ];
  return [
    parts.filter(Boolean).join("  "),
    ...(row.profile ? [profileLines(row)] : []),
    ...(row.heap ? [heapTimelineLine(row.heap)] : []),
    ...(row.heapSnapshot ? heapSnapshotRowLines(row.heapSnapshot) : []),
  ].join("\n");
}

function heapSnapshotRowLines(snapshot) {
  if (snapshot.error) return [`    heap snapshot not taken: ${snapshot.error}`];
  return heapSnapshotLines(snapshot).map((line) => `    heap snapshot: ${line}`);
}

/**
 * --heap-timeline: the collections of a load, read as falls of more than 1 MB of the heap in use
 * (polled every 10 ms): when they came and the heap before and after each. A major one falls to
 * what the isolate holds; its pause grows with what it marks, and the slowest deliveries of a load
 * are those sent during one. With each, the runtime's C++ heap in use before and after: what is
 * left after a major one is what V8 measures that heap's marking speed by, and that speed sets how
 * far the global limit sits above the old generation's (docs/performance.md).
 */
function heapTimelineLine({ readings, collections }) {
  const mb = (bytes, digits = 1) => (bytes / 1e6).toFixed(digits);
  const range = (key) =>
    span(
      collections.map((c) => c[key] / 1e6),
      "MB",
    );
  const gaps = collections.slice(1).map((c, i) => (c.at - collections[i].at) / 1000);
  const withCpp = collections.length > 0 && collections.every((c) => c.cppAfter !== undefined);
  const parts = [
    `${collections.length} falls of more than 1 MB in ${readings} readings${gaps.length ? `, every ${span(gaps, "s")}` : ""}`,
    `heap before ${range("before")}, after ${range("after")}`,
    ...(withCpp ? [`the C++ heap before ${range("cppBefore")}, after ${range("cppAfter")}`] : []),
  ];
  const each = collections.map(
    (c) => `${(c.at / 1000).toFixed(1)} s ${mb(c.before)}->${mb(c.after)}${withCpp ? ` C++ ${mb(c.cppBefore, 2)}->${mb(c.cppAfter, 2)}` : ""}`,
  );
  return `    heap: ${parts.join("; ")}${each.length ? ` (${each.join(", ")})` : ""}`;
}

/** Where this project's Worker spent the load's CPU (--profile): busy time per message and the top functions by self time. */
function profileLines(row) {
  const { busyMs, wallMs, top } = row.profile;
  const lines = [
    `    profile: isolate busy ${fmt(busyMs)} of ${fmt(wallMs)} (${((busyMs / wallMs) * 100).toFixed(0)}%), ${((busyMs / Math.max(1, row.accepted)) * 1000).toFixed(0)} µs per message`,
  ];
  for (const { fn, ms: self } of top.slice(0, 20))
    lines.push(`      ${((self / busyMs) * 100).toFixed(1).padStart(5)}%  ${((self / Math.max(1, row.accepted)) * 1000).toFixed(1).padStart(6)} µs/msg  ${fn}`);
  // Sampled allocations, the garbage included: what sets how often the isolate collects. Native
  // calls count under the JavaScript function that made them (a WebSocket send under its loop).
  const { bytes, top: allocators } = row.profile.allocations;
  const kbPerMessage = (b) => (b / 1024 / Math.max(1, row.accepted)).toFixed(1).padStart(6);
  lines.push(`    allocations: ${(bytes / 1e6).toFixed(1)} MB, ${kbPerMessage(bytes).trim()} KiB per message`);
  for (const { fn, bytes: self } of allocators.slice(0, 10))
    lines.push(`      ${((self / bytes) * 100).toFixed(1).padStart(5)}%  ${kbPerMessage(self)} KiB/msg  ${fn}`);
  return lines.join("\n");
}

/**
 * Which targets' `wrangler dev` trace every invocation to wrangler's local observability collector
 * (this project's servers run without it, as `npm run dev` does: scripts/local-wrangler-env.mjs).
 * It costs every target CPU (every message to a hibernated socket is an invocation, traced), and
 * cost this room more of its p99 than the demo (docs/performance.md), so the figures compare like
 * with like only when every target has it the same way.
 */
function observabilityLine(targets) {
  const states = targets.map((target) => ({ name: target.name, on: localObservabilityOf(target.port) }));
  const list = (on) =>
    states
      .filter((state) => state.on === on)
      .map((state) => state.name)
      .join(", ");
  const parts = [list(false) && `off for ${list(false)}`, list(true) && `on for ${list(true)}`, list(undefined) && `unknown for ${list(undefined)}`];
  const mixed = states.some((state) => state.on === true) && states.some((state) => state.on === false);
  return `wrangler's local observability (every invocation traced to a collector in the same process): ${parts.filter(Boolean).join("; ")}${
    mixed
      ? "\n  NOT like with like: start every server with the same X_LOCAL_OBSERVABILITY (the demo: X_LOCAL_OBSERVABILITY=false, docs/chat.md#benchmark)"
      : ""
  }`;
}

/**
 * --profile-live <dir>: what each isolate still holds (with the garbage since its last major
 * collection, which the inspector cannot force), of what it allocated from the moment the bench
 * attached (its code loaded, no request served yet) to the end of the loads: its objects, sockets,
 * caches and lazily built code, and where each was allocated; <dir>/<target>.heapprofile opens in Chrome's DevTools, Memory tab.
 */
async function printLive(target) {
  if (!target.profiler) return;
  const { bytes, top } = await target.profiler.liveStop(path.join(options["profile-live"], `${target.name}.heapprofile`));
  console.log(
    `${target.name}: V8 heap in use when the bench attached ${target.profiler.heapWhenAttached.toFixed(1)} MB; live at the end of what it allocated since (sampled every 8 KiB) ${(bytes / 1e6).toFixed(2)} MB; the largest sites:`,
  );
  for (const { fn, bytes: site } of top.slice(0, 25)) console.log(`    ${(site / 1e3).toFixed(0).padStart(7)} kB  ${fn}`);
}

/**
 * --trace-gc <dir>: V8's account of every collection of every isolate of a target's server, over
 * the whole run (<dir>/<target>.gc.log: with --trace-gc-nvp, one JSON object per collection, and
 * whatever --v8-flags adds), and for the isolate with the most full collections (the rooms'):
 * - how often they came, the heap each left, and each pause split into V8's own phases (marking,
 *   clearing, evacuating, sweeping its heap) and the rest. perf shows the rest is the runtime's C++
 *   heap finishing the sweep of what died since the last full collection: a few hundred bytes per
 *   `WebSocket.send`, so it grows with deliveries, not with the room's own code.
 * - which limit set each one off: V8's limit for its own old generation, or its global limit,
 *   which also counts the C++ heap and external memory. How far the global limit sits above the old
 *   generation's is V8's guess from how fast it marked the C++ heap in its last ten full
 *   collections; the first one's figure moves from run to run and weighs for about a dozen more.
 * - how fast the C++ heap and external memory grew between collections.
 * workerd writes the trace to a pipe in blocks of about 4 KB and the server is ended by a signal,
 * so the last block of a run never arrives: a run of a few seconds may show nothing of a quiet
 * isolate.
 */
function reportGcTrace(name, server) {
  if (!options["trace-gc"]) return;
  const lines = server
    .output()
    .split("\n")
    .filter((line) => /^\[\d+:0x[0-9a-f]+/.test(line));
  const file = path.join(options["trace-gc"], `${name}.gc.log`);
  mkdirSync(options["trace-gc"], { recursive: true });
  writeFileSync(file, lines.join("\n"));
  const summary = summarizeGcTrace(parseGcTrace(lines));
  if (!summary)
    return console.log(
      `  gc trace of ${name}: no full collection in what reached the output (workerd writes its trace in blocks of about 4 KB when piped, so a short run's last lines never arrive)`,
    );
  console.log(`  gc trace of ${name}, the isolate with the most full collections (${file}):\n${summary.map((line) => `    ${line}`).join("\n")}`);
}

/** Each isolate's V8 heap in use, read through its inspector (the demo's only with --peer-inspector). */
async function heapLine(targets, when) {
  const parts = [];
  for (const target of targets) {
    if (!target.inspectorPort) continue;
    const mb = await (target.profiler ? target.profiler.heapInUse() : heapInUse(target.inspectorPort)).catch(() => NaN);
    parts.push(`${target.name} ${Number.isFinite(mb) ? `${mb.toFixed(1)} MB` : "unreadable"}`);
  }
  const ballast =
    (BARE_BALLAST > 0 ? `; the bare rooms keep ${BARE_BALLAST} ballast records` : "") +
    (options["bare-code"] ? `; the bare rooms have ${BARE_CODES[options["bare-code"]]}` : "");
  return `V8 heap in use ${when} (uncollected garbage included): ${parts.join(", ")}${ballast}`;
}

const loadName = ({ receivers, rate }) =>
  rate === "ramp" ? `${receivers} receivers, offered rate ramped ${RAMP.join(", ")} msg/s` : `${receivers} receivers, ${rate} msg/s offered`;

console.log(machineLine());
console.log(loadLine("before"));
const busy = startBusyLoad(Number(options.busy));
if (busy.count > 0) console.log(`busy machine: ${busy.count} CPU-bound processes run beside the bench until it ends`);
console.log(
  options["via-proxy"] ? "sockets go through wrangler's dev proxy" : "sockets connect to each workerd runtime directly (wrangler's dev proxy left out)",
);

const targets = [];
try {
  const bare = ["bare", "bare-stored"].filter((name) => TARGETS.has(name));
  if (bare.length) console.log(`starting the bare broadcast rooms (${bare.join(", ")}) on ports ${BARE_PORT} and ${BARE_PORT + 1}...`);
  if (TARGETS.has("bare")) targets.push(await bareTarget(false));
  if (TARGETS.has("bare-stored")) targets.push(await bareTarget(true));
  if (options.peer) targets.push(await demoTarget(options.peer.replace(/\/$/, "")));
  if (options["peer-dir"]) targets.push(await startedDemo(options["peer-dir"]));
  console.log(
    `starting this project's wrangler dev on port ${PORT} and registering ${MAX_RECEIVERS + 1} users; the general chat's sockets on ${options["fanout-shards"] ?? "the default number of"} fan-out shards (CHAT_FANOUT_SHARDS)...`,
  );
  targets.push(await projectTarget());
  console.log(observabilityLine(targets));
  for (const target of targets) await warmUp(target);
  console.log(
    `frames compressed (permessage-deflate, which each receiver inflates): ${targets.map((t) => `${t.name} ${/permessage-deflate/.test(t.extensions ?? "") ? "yes" : "no"}`).join(", ")}`,
  );
  console.log(await heapLine(targets, "after the warm-up"));
  const settle = Math.max(0, ...targets.map((target) => (target.quietFrom ?? 0) - Date.now()));
  if (settle > 0) {
    console.log(`waiting ${(settle / 1000).toFixed(1)} s for the objects the sign-ups woke to close before anything is measured`);
    await new Promise((resolve) => setTimeout(resolve, settle));
  }
  console.log(`one sender socket, N receiving sockets in one room; ramp steps of ${STEP_SECONDS} s, fixed loads of ${SECONDS} s\n`);

  const table = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
    for (const [index, load] of LOADS.entries()) {
      console.log(loadName(load));
      const rows = {};
      // Rotate which side goes first so none always runs on a machine another just heated.
      const shift = (index + round) % targets.length;
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      // bare-stored commits every frame on its own: at the top of a ramp it falls so far behind
      // that it drains for many seconds after. It only serves the fan-out loads (durability's share
      // of the latency).
      for (const target of order.filter((t) => !(t.name === "bare-stored" && load.rate === "ramp"))) {
        const label = `r${round}l${index}-${target.name}`;
        if (load.rate === "ramp") console.log(`  ${target.name}:`);
        rows[target.name] = load.rate === "ramp" ? await ramp(target, load.receivers, label) : await measure(target, load, SECONDS, label);
      }
      for (const target of targets.filter((t) => rows[t.name]))
        console.log(`  ${load.rate === "ramp" ? "ceiling " : ""}${describe(target.name, rows[target.name])}`);
      const p = rows.project;
      for (const other of ["bare", "bare-stored", "demo"].filter((name) => rows[name])) {
        const o = rows[other];
        console.log(
          `  project/${other}${other === "bare" ? "" : " "} accepted/s ${ratio(p.acceptedPerSecond, o.acceptedPerSecond)}  delivered/s ${ratio(p.deliveredPerSecond, o.deliveredPerSecond)}  p99 ${ratio(p.p99, o.p99)} (lower is better)`,
        );
      }
      if (rows.demo && rows.bare)
        console.log(
          `  demo/bare    accepted/s ${ratio(rows.demo.acceptedPerSecond, rows.bare.acceptedPerSecond)}  delivered/s ${ratio(rows.demo.deliveredPerSecond, rows.bare.deliveredPerSecond)}`,
        );
      table.push({ round, load, rows });
    }
    console.log("");
  }

  const names = targets.map((t) => t.name);
  const titles = { bare: "bare broadcast (the limit)", "bare-stored": "bare, stored first", demo: "workers-chat-demo", project: "this project" };
  const ratioTitles = ["project/bare", "project/bare-stored", ...(rowsHaveDemo(table) ? ["project/demo"] : [])];
  const markdownRow = (cells) => `| ${cells.join(" | ")} |`;
  console.log(markdownRow(["load", ...names.map((n) => titles[n]), ...ratioTitles]));
  console.log(markdownRow(["load", ...names, ...ratioTitles].map(() => "---")));
  for (const { load, rows } of table) {
    const ceiling = load.receivers <= 2;
    const cell = (r) =>
      !r
        ? "-"
        : ceiling
          ? `${perSecond(r.acceptedPerSecond)} accepted, ${perSecond(r.deliveredPerSecond)} delivered`
          : `${perSecond(r.deliveredPerSecond)} delivered, p50 ${ms(r.p50)} / p99 ${ms(r.p99)}, ${r.undelivered} late`;
    const against = (o) =>
      !o
        ? "-"
        : ceiling
          ? ratio(rows.project.acceptedPerSecond, o.acceptedPerSecond)
          : `${ratio(rows.project.deliveredPerSecond, o.deliveredPerSecond)} delivered/s, p99 ${ratio(rows.project.p99, o.p99)}`;
    console.log(
      markdownRow([
        loadName(load),
        ...names.map((n) => cell(rows[n])),
        against(rows.bare),
        against(rows["bare-stored"]),
        ...(rows.demo ? [against(rows.demo)] : []),
      ]),
    );
  }
  if (ROUNDS > 1 && rowsHaveDemo(table)) console.log(`\n${p99Odds(table).join("\n")}`);
  console.log(loadLine("\nafter"));
  console.log(await heapLine(targets, "after the loads"));
  if (options["profile-live"]) for (const target of targets) await printLive(target);
} finally {
  busy.stop();
  for (const target of targets) await target.stop();
}
// wrangler's inspector proxy never answers a client's close frame, so a closed inspector socket
// (the demo's heap reading) would keep this process alive after the run.
process.exit();

function rowsHaveDemo(table) {
  return table.some(({ rows }) => rows.demo);
}

/**
 * Per fan-out load, in how many rounds each room's p99 was at or below the demo's, and each room's
 * p99 over every delivery of all rounds. One round's p99 is a handful of messages caught by a
 * garbage collection or not (docs/chat.md, Benchmark): the demo's own moves by up to 4x between
 * rounds of one run, so a goal of "at or below the demo's" is read over many rounds, with the
 * limit (the bare room) measured against the same bar. The p99 of all rounds together holds many
 * collections, so it says where each room's tail settles rather than how many pauses one round caught.
 */
function p99Odds(table) {
  return LOADS.filter((load) => load.rate !== "ramp").flatMap((load) => {
    const rounds = table.filter((entry) => entry.load === load && entry.rows.demo).map(({ rows }) => rows);
    const atOrBelow = (name) => rounds.filter((rows) => rows[name] && rows[name].p99 <= rows.demo.p99).length;
    const names = ["project", "bare", "bare-stored"].filter((name) => rounds.some((rows) => rows[name]));
    const demoP99 = rounds.map((rows) => rows.demo.p99);
    const pooled = new Map([...names, "demo"].map((name) => [name, summarize(rounds.flatMap((rows) => rows[name]?.latencies ?? [])).p99]));
    return [
      `${loadName(load)}: p99 at or below the demo's in ${names.map((name) => `${name} ${atOrBelow(name)} of ${rounds.length}`).join(", ")} rounds (the demo's p99 from ${ms(Math.min(...demoP99))} to ${ms(Math.max(...demoP99))})`,
      `  p99 over all ${rounds.length} rounds: ${[...pooled].map(([name, p99]) => `${name} ${ms(p99)}`).join(", ")}; ${names.map((name) => `${name}/demo ${ratio(pooled.get(name), pooled.get("demo"))}`).join(", ")}`,
    ];
  });
}
