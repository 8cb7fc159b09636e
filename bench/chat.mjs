// Chat fan-out benchmark against `wrangler dev`: one room with 2, 50 and 200 connected sockets,
// messages sent at a fixed rate round-robin from every socket. Prints messages/s accepted
// (acknowledged to the sender) and delivered (message.new at the other sockets), p50/p99 from
// send to delivery over every receiver, and checks that every message was stored.
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";

const PORT = 8791;
const RATE = Number(process.env.CHAT_BENCH_RATE ?? 200); // messages per second offered
const SECONDS = Number(process.env.CHAT_BENCH_SECONDS ?? 5);
const SIZES = (process.env.CHAT_BENCH_SIZES ?? "2,50,200").split(",").map(Number);
const USERS = Math.max(...SIZES);

const server = await startDevServer({
  port: PORT,
  name: "chat",
  vars: {
    RATE_LIMIT_REGISTER_PER_IP: "100000/300",
    // The fixed offered rate is shared by the room's senders; with 2 sockets each sends 100/s.
    RATE_LIMIT_CHAT_MESSAGES: "100000/1",
    CHAT_MAX_GROUP_MEMBERS: String(USERS),
  },
});

async function call(path, { method, token, body, ip } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (ip) headers["cf-connecting-ip"] = ip;
  const response = await fetch(`${server.url}${path}`, { method: method ?? (body ? "POST" : "GET"), headers, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method ?? (body ? "POST" : "GET")} ${path} -> ${response.status} ${text}\n${server.output().slice(-3000)}`);
  return text ? JSON.parse(text) : null;
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

function openSocket(chatId, ticket) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/v1/chats/${chatId}/ws?ticket=${ticket}`);
    const timer = setTimeout(() => reject(new Error("no hello within 10 s")), 10_000);
    ws.addEventListener("message", function hello(event) {
      if (JSON.parse(event.data).type !== "hello") return;
      clearTimeout(timer);
      ws.removeEventListener("message", hello);
      resolve(ws);
    });
    ws.addEventListener("error", () => reject(new Error("socket error")));
  });
}

async function run(users, size) {
  const members = users.slice(0, size);
  const chat = await call("/v1/chats", { token: members[0].accessToken, body: { type: "group", title: `bench ${size}`, memberIds: members.slice(1).map((u) => u.id) } });
  const sockets = await inBatches(size, 20, async (i) => {
    const { ticket } = await call("/v1/realtime/tickets", { method: "POST", token: members[i].accessToken });
    return openSocket(chat.id, ticket);
  });

  const sentAt = new Map();
  const latencies = [];
  let acks = 0;
  let deliveries = 0;
  let errors = 0;
  let lastAckAt = 0;
  let lastDeliveryAt = 0;
  let closedEarly = 0;
  for (const ws of sockets) {
    // wrangler dev reloads the Worker when a source file changes, which drops every socket.
    ws.addEventListener("close", () => closedEarly++);
    ws.addEventListener("message", (event) => {
      const now = performance.now();
      const frame = JSON.parse(event.data);
      if (frame.type === "message.ack") {
        acks++;
        lastAckAt = now;
      } else if (frame.type === "message.new") {
        deliveries++;
        lastDeliveryAt = now;
        latencies.push(now - sentAt.get(frame.message.clientId));
      } else if (frame.type === "error") {
        errors++;
      }
    });
  }

  const total = RATE * SECONDS;
  const started = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE) + 1);
      while (sent < due) {
        const clientId = `b${size}-${sent}`;
        sentAt.set(clientId, performance.now());
        sockets[sent % size].send(JSON.stringify({ type: "message.send", clientId, text: `message ${sent} of ${total}` }));
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const expectedDeliveries = total * (size - 1);
  const deadline = performance.now() + 30_000;
  while ((acks + errors < total || deliveries < expectedDeliveries) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  // Everything acknowledged must be in the room's history, seq 1..n without gaps.
  const seqs = [];
  let cursor = null;
  do {
    const page = await call(`/v1/chats/${chat.id}/messages?${cursor ? `cursor=${cursor}` : "after=0"}&limit=100`, { token: members[0].accessToken });
    seqs.push(...page.items.map((m) => m.seq));
    cursor = page.nextCursor;
  } while (cursor);
  const contiguous = seqs.every((s, i) => s === i + 1);
  const listed = await call(`/v1/chats/${chat.id}`, { token: members[size - 1].accessToken });
  const droppedSockets = closedEarly;
  for (const ws of sockets) ws.close();

  const stats = summarize(latencies);
  return {
    size,
    offered: RATE,
    sent: total,
    accepted: acks,
    errors,
    acceptedPerSecond: acks / ((lastAckAt - started) / 1000),
    delivered: deliveries,
    expectedDeliveries,
    deliveredPerSecond: deliveries / ((lastDeliveryAt - started) / 1000),
    p50: stats.p50,
    p99: stats.p99,
    max: stats.max,
    stored: seqs.length,
    contiguous,
    chatListLastSeq: listed.lastSeq,
    droppedSockets,
  };
}

try {
  console.log(`registering ${USERS} users...`);
  const users = await inBatches(USERS, 8, async (i) => {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
    const body = await call("/v1/auth/register", { ip, body: { email: `bench-${i}-${Date.now()}@example.com`, password: `bench password ${i} ${Math.random()}`, displayName: `Bench ${i}` } });
    return { id: body.user.id, accessToken: body.accessToken };
  });
  console.log(`offered load: ${RATE} messages/s for ${SECONDS} s, round-robin over every socket of the room\n`);
  const rows = [];
  for (const size of SIZES) {
    const row = await run(users, size);
    rows.push(row);
    console.log(
      [
        `${String(size).padStart(3)} sockets:`,
        `accepted ${row.accepted}/${row.sent} (${row.acceptedPerSecond.toFixed(0)} msg/s)`,
        `delivered ${row.delivered}/${row.expectedDeliveries} (${row.deliveredPerSecond.toFixed(0)} deliveries/s)`,
        `send->delivery p50 ${fmt(row.p50)} p99 ${fmt(row.p99)} max ${fmt(row.max)}`,
        `stored ${row.stored}/${row.accepted}${row.contiguous ? " seq 1..n contiguous" : " SEQ GAPS"}`,
        `chat list lastSeq ${row.chatListLastSeq}`,
        row.errors ? `errors ${row.errors}` : "",
        row.droppedSockets ? `SOCKETS DROPPED BY THE SERVER: ${row.droppedSockets} (wrangler dev reloaded?)` : "",
      ].join("  "),
    );
  }
  const fifty = rows.find((r) => r.size === 50);
  if (fifty) {
    const ok = fifty.p99 < 50 && fifty.stored === fifty.sent && fifty.contiguous;
    console.log(`\ntarget (50 sockets, ${RATE} msg/s: p99 < 50 ms, every message stored): ${ok ? "met" : "NOT met"}`);
  }
} finally {
  await server.stop();
}
