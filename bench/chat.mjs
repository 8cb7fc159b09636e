// Chat room benchmark against `wrangler dev`: one sender socket and N receiving sockets in one
// room, messages offered at a fixed rate. Three loads: the room's ceiling (2 receivers, 1,000
// msg/s offered), 50 receivers at 200 msg/s and 200 receivers at 50 msg/s. Prints accepted
// msg/s (acknowledged to the sender), delivered/s, p50/p99 from send to delivery over every
// receiver, messages not delivered within 15 s, and the workerd CPU and memory it cost; then reads
// the whole history back to check every message was stored with seq 1..n.
//
//   npm run bench:chat                              this project only
//   npm run bench:chat -- --peer http://127.0.0.1:8870
//       the same client and loads against a running cloudflare/workers-chat-demo as well, in the
//       same run, with both rows and the ratios (docs/chat.md, "Benchmark", says how to run it)
//
// Options: --port <n> (this project's wrangler dev, default 8791), --seconds <n> per load
// (default 5), --loads 2x1000,50x200,200x50 (receivers x msg/s), --rounds <n> (default 1).
import { readdirSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";

const { values: options } = parseArgs({
  options: {
    peer: { type: "string" },
    port: { type: "string", default: "8791" },
    seconds: { type: "string", default: process.env.CHAT_BENCH_SECONDS ?? "5" },
    loads: { type: "string", default: "2x1000,50x200,200x50" },
    rounds: { type: "string", default: "1" },
  },
});
const PORT = Number(options.port);
const SECONDS = Number(options.seconds);
const LOADS = options.loads.split(",").map((spec) => {
  const [receivers, rate] = spec.split("x").map(Number);
  return { receivers, rate };
});
const ROUNDS = Number(options.rounds);
const MAX_RECEIVERS = Math.max(...LOADS.map((l) => l.receivers));
/** A delivery later than this counts as not delivered. */
const DELIVERY_DEADLINE_MS = 15_000;

// ---- what one socket of the bench does, whatever the server speaks --------------------------

function openWebSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
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
  const server = await startDevServer({
    port: PORT,
    name: "chat",
    vars: {
      RATE_LIMIT_REGISTER_PER_IP: "100000/300",
      // One sender offers up to 1,000 msg/s: the per-user limit stays on, set above the load.
      RATE_LIMIT_CHAT_MESSAGES: "100000/1",
      CHAT_MAX_GROUP_MEMBERS: String(MAX_RECEIVERS + 1),
      // One fresh group per load and round, all created by the same user.
      RATE_LIMIT_GROUPS_PER_USER: "100000/3600",
    },
  });

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

  const users = await inBatches(MAX_RECEIVERS + 1, 8, async (i) => {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
    const body = await call("/v1/auth/register", {
      ip,
      body: { email: `bench-${i}-${Date.now()}@example.com`, password: `bench password ${i} ${Math.random()}`, displayName: `Bench ${i}` },
    });
    return { id: body.user.id, accessToken: body.accessToken };
  });

  async function connect(chatId, user) {
    const { ticket } = await call("/v1/realtime/tickets", { method: "POST", token: user.accessToken });
    const ws = await openWebSocket(`${server.url.replace("http", "ws")}/v1/chats/${chatId}/ws?ticket=${ticket}`);
    await nextFrame(ws, (f) => f.type === "hello", "hello");
    return ws;
  }

  return {
    name: "project",
    url: server.url,
    port: PORT,
    stop: () => server.stop(),
    async room(receivers) {
      const members = users.slice(0, receivers + 1);
      const chat = await call("/v1/chats", {
        token: members[0].accessToken,
        body: { type: "group", title: `bench ${receivers}`, memberIds: members.slice(1).map((u) => u.id) },
      });
      const sockets = await inBatches(members.length, 20, (i) => connect(chat.id, members[i]));
      return {
        sender: sockets[0],
        receivers: sockets.slice(1),
        send: (ws, clientId, text) => ws.send(JSON.stringify({ type: "message.send", clientId, text })),
        classify(data) {
          // The server writes `type` first and the message's clientId before its text.
          if (data.startsWith('{"type":"message.new"')) return { kind: "delivered", clientId: stringAfter(data, '"clientId":"') };
          if (data.startsWith('{"type":"message.ack"')) return { kind: "accepted", clientId: stringAfter(data, '"clientId":"') };
          if (data.includes('"type":"error"')) return { kind: "error" };
          return { kind: null };
        },
        // Everything acknowledged must be in the room's history, seq 1..n without gaps.
        async verify() {
          const seqs = [];
          let cursor = null;
          do {
            const page = await call(`/v1/chats/${chat.id}/messages?${cursor ? `cursor=${cursor}` : "after=0"}&limit=100`, { token: members[0].accessToken });
            seqs.push(...page.items.map((m) => m.seq));
            cursor = page.nextCursor;
          } while (cursor);
          return { stored: seqs.length, contiguous: seqs.every((s, i) => s === i + 1) };
        },
        close: () => sockets.forEach((ws) => ws.close()),
      };
    },
  };
}

/**
 * cloudflare/workers-chat-demo: a room by name, a socket joins with `{name}` and is ready at
 * `{ready:true}`; `{message}` is broadcast to every joined socket, the sender's own included
 * (its echo is the demo's acknowledgement). The demo keeps no ids, so the clientId leads the text.
 */
async function demoTarget(url) {
  const port = Number(new URL(url).port || 80);
  const page = await fetch(url).catch((error) => {
    throw new Error(`--peer ${url} does not answer (${error.cause?.code ?? error.message}); start workers-chat-demo there first`);
  });
  if (!page.ok) throw new Error(`--peer ${url} -> ${page.status}`);
  let rooms = 0;

  async function join(roomName, name) {
    const ws = await openWebSocket(`${url.replace(/^http/, "ws")}/api/room/${roomName}/websocket`);
    const ready = nextFrame(ws, (f) => f.ready === true || f.error !== undefined, "ready");
    ws.send(JSON.stringify({ name }));
    const frame = await ready;
    if (frame.error) throw new Error(`demo refused ${name}: ${frame.error}`);
    return ws;
  }

  return {
    name: "demo",
    url,
    port,
    stop: async () => {},
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

// ---- workerd cost, read from /proc: every workerd of the process group serving the port -------

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
const PAGE_BYTES = Number(spawnSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).stdout.trim()) || 4096;

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, rss 24.
    return { comm: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")), pgrp: Number(fields[2]), cpuTicks: Number(fields[11]) + Number(fields[12]), rssPages: Number(fields[21]) };
  } catch {
    return null;
  }
}

function workerdGroup(port) {
  const listing = spawnSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }).stdout;
  const pid = /pid=(\d+)/.exec(listing)?.[1];
  const group = pid ? procStat(pid)?.pgrp : undefined;
  if (!group) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      const stat = procStat(name);
      return stat && stat.pgrp === group && stat.comm === "workerd";
    });
}

function sampleWorkerd(pids) {
  let cpuTicks = 0;
  let rssPages = 0;
  for (const pid of pids) {
    const stat = procStat(pid);
    if (!stat) continue;
    cpuTicks += stat.cpuTicks;
    rssPages += stat.rssPages;
  }
  return { cpuMs: (cpuTicks / TICKS_PER_SECOND) * 1000, rssMb: (rssPages * PAGE_BYTES) / 1e6 };
}

// ---- one load against one target ---------------------------------------------------------------

async function measure(target, { receivers, rate }, seconds, label) {
  const room = await target.room(receivers);
  const sentAt = new Map();
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
      } else if (kind === "error") {
        errors++;
      }
    });
  }

  const pids = workerdGroup(target.port);
  const before = sampleWorkerd(pids);
  const total = Math.round(rate * seconds);
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (sent < due) {
        const clientId = `${label}-${sent}`;
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
  const after = sampleWorkerd(pids);
  const droppedSockets = closed;
  const verified = await room.verify();
  room.close();

  const stats = summarize(latencies);
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
    cpuMsPerMessage: pids.length ? (after.cpuMs - before.cpuMs) / Math.max(1, accepted) : NaN,
    rssMb: pids.length ? after.rssMb : NaN,
    verified,
    droppedSockets,
  };
}

/** A short untimed run so both sides are warm (JIT, room code loaded) before anything is measured. */
async function warmUp(target) {
  await measure(target, { receivers: 2, rate: 200 }, 1, `warm-${target.name}`);
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
  ];
  return parts.filter(Boolean).join("  ");
}

const loadName = ({ receivers, rate }) => `${receivers} receivers, ${rate} msg/s offered`;

const targets = [];
try {
  if (options.peer) targets.push(await demoTarget(options.peer.replace(/\/$/, "")));
  console.log(`starting this project's wrangler dev on port ${PORT} and registering ${MAX_RECEIVERS + 1} users...`);
  targets.push(await projectTarget());
  for (const target of targets) await warmUp(target);
  console.log(`one sender socket, N receiving sockets in one room, ${SECONDS} s per load\n`);

  const table = [];
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
    for (const [index, load] of LOADS.entries()) {
      console.log(loadName(load));
      const rows = {};
      // Alternate which side goes first so neither always runs on a machine the other just heated.
      const order = (index + round) % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        rows[target.name] = await measure(target, load, SECONDS, `r${round}l${index}${target.name[0]}`);
      }
      for (const target of targets) console.log(`  ${describe(target.name, rows[target.name])}`);
      if (rows.demo && rows.project) {
        const [d, p] = [rows.demo, rows.project];
        console.log(
          `  ratio    accepted/s ${ratio(p.acceptedPerSecond, d.acceptedPerSecond)}  delivered/s ${ratio(p.deliveredPerSecond, d.deliveredPerSecond)}  p99 ${ratio(p.p99, d.p99)} (lower is better)`,
        );
      }
      table.push({ round, load, rows });
    }
    console.log("");
  }

  if (targets.length === 2) {
    console.log("| load | workers-chat-demo | this project | ratio |");
    console.log("|---|---|---|---|");
    for (const { load, rows } of table) {
      const [d, p] = [rows.demo, rows.project];
      const cell = (r) =>
        load.receivers <= 2
          ? `${perSecond(r.acceptedPerSecond)} accepted`
          : `${perSecond(r.deliveredPerSecond)} delivered, p50 ${ms(r.p50)} / p99 ${ms(r.p99)}, ${r.undelivered} late`;
      const ratios =
        load.receivers <= 2
          ? ratio(p.acceptedPerSecond, d.acceptedPerSecond)
          : `${ratio(p.deliveredPerSecond, d.deliveredPerSecond)} delivered/s, p99 ${ratio(p.p99, d.p99)}`;
      console.log(`| ${loadName(load)} | ${cell(d)} | ${cell(p)} | ${ratios} |`);
    }
  }
} finally {
  for (const target of targets) await target.stop();
}
