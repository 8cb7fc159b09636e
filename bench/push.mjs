// Push benchmark against `wrangler dev` (no network): a local push service in this process plays
// the browser vendor (it decrypts every request, RFC 8291, to learn which message it carries) and
// N recipients without a socket each have one Web Push device pointing at it. One sender posts
// messages to a group; for each recipient the time from the message's ack (the POST answered) to
// the encrypted request arriving at the push service is a sample. Loads: 1 and 100 recipients.
// Prints pushes/s (arrivals over the time from the first send to the last arrival) and p50/p99.
//
//   npm run bench:push [-- --port 8793 --messages 20 --interval 50 --loads 1,100]
import { createServer } from "node:http";
import { webcrypto as crypto } from "node:crypto";
import { parseArgs } from "node:util";
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: "8793" },
    "push-port": { type: "string", default: "8794" },
    messages: { type: "string", default: "20" },
    loads: { type: "string", default: "1,100" },
    interval: { type: "string", default: "50" },
  },
});
const PORT = Number(options.port);
const PUSH_PORT = Number(options["push-port"]);
const MESSAGES = Number(options.messages);
const LOADS = options.loads.split(",").map(Number);
const MAX = Math.max(...LOADS);
/** Milliseconds between two messages of a load. */
const INTERVAL_MS = Number(options.interval);
const ARRIVAL_DEADLINE_MS = 30_000;

const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const ascii = (text) => new TextEncoder().encode(text);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
};

async function hkdf(salt, ikm, info, bytes) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** RFC 8291 decryption, as the browser does it (same as test/kit/push-service.ts). */
async function decrypt(body, holder) {
  const salt = body.slice(0, 16);
  const idLength = body[20];
  const senderPublic = body.slice(21, 21 + idLength);
  const senderKey = await crypto.subtle.importKey("raw", senderPublic, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const secret = new Uint8Array(await crypto.subtle.deriveBits({ name: "ECDH", public: senderKey }, holder.privateKey, 256));
  const ikm = await hkdf(holder.auth, secret, concat(ascii("WebPush: info\0"), holder.publicKey, senderPublic), 32);
  const cek = await hkdf(salt, ikm, ascii("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, ascii("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, body.slice(21 + idLength)));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  return JSON.parse(new TextDecoder().decode(padded.slice(0, end)));
}

// ---- the local push service --------------------------------------------------------------

const holders = new Map();
/** messageId -> arrival times (ms, performance.now()) */
const arrivals = new Map();
let rejected = 0;

const pushService = createServer((request, response) => {
  const arrivedAt = performance.now();
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", async () => {
    const id = /^\/push\/(\d+)$/.exec(request.url ?? "")?.[1];
    const holder = id === undefined ? undefined : holders.get(Number(id));
    if (!holder || request.headers["content-encoding"] !== "aes128gcm" || !String(request.headers.authorization).startsWith("vapid t=")) {
      rejected++;
      response.writeHead(404).end();
      return;
    }
    try {
      const payload = await decrypt(new Uint8Array(Buffer.concat(chunks)), holder);
      const list = arrivals.get(payload.messageId) ?? [];
      list.push(arrivedAt);
      arrivals.set(payload.messageId, list);
      response.writeHead(201).end();
    } catch {
      rejected++;
      response.writeHead(400).end();
    }
  });
});
await new Promise((resolve) => pushService.listen(PUSH_PORT, "127.0.0.1", resolve));

async function subscription(index) {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const auth = crypto.getRandomValues(new Uint8Array(16));
  holders.set(index, { privateKey: pair.privateKey, publicKey, auth });
  return { endpoint: `http://127.0.0.1:${PUSH_PORT}/push/${index}`, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } };
}

// ---- the platform --------------------------------------------------------------------------

console.log(`starting wrangler dev on port ${PORT}, the local push service on ${PUSH_PORT}, registering ${MAX + 1} users...`);
const server = await startDevServer({
  port: PORT,
  name: "push-bench",
  vars: {
    PUSH_ALLOW_INSECURE_ENDPOINTS: "true",
    RATE_LIMIT_REGISTER_PER_IP: "100000/300",
    RATE_LIMIT_CHAT_MESSAGES: "100000/1",
    RATE_LIMIT_GROUPS_PER_USER: "100000/3600",
    CHAT_MAX_GROUP_MEMBERS: String(MAX + 1),
    PUSH_MAX_DEVICES_PER_USER: "5",
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

try {
  const users = await inBatches(MAX + 1, 8, async (i) => {
    const body = await call("/v1/auth/register", {
      ip: `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`,
      body: { email: `push-bench-${i}-${Date.now()}@example.com`, password: `bench password ${i} ${Math.random()}`, displayName: `Bench ${i}` },
    });
    return { id: body.user.id, accessToken: body.accessToken };
  });
  const [sender, ...recipients] = users;
  await inBatches(recipients.length, 8, async (i) => {
    await call("/v1/me/devices", { token: recipients[i].accessToken, body: { kind: "webpush", subscription: await subscription(i) } });
  });

  console.log(
    `\npush: message ack -> encrypted request at the push service (${MESSAGES} messages per load, one every ${INTERVAL_MS} ms after the previous ack)`,
  );
  for (const load of LOADS) {
    const chat = await call("/v1/chats", {
      token: sender.accessToken,
      body: { type: "group", title: `Bench ${load}`, memberIds: recipients.slice(0, load).map((u) => u.id) },
    });
    const acks = new Map();
    const started = performance.now();
    for (let m = 0; m < MESSAGES; m++) {
      const message = await call(`/v1/chats/${chat.id}/messages`, {
        token: sender.accessToken,
        body: { clientId: `bench-${load}-${m}`, text: `message ${m} to ${load}` },
      });
      acks.set(message.id, performance.now());
      // Spaced a little, so each message is its own fan-out (the collapse by Topic is the push service's job).
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    const expected = MESSAGES * load;
    const deadline = Date.now() + ARRIVAL_DEADLINE_MS;
    const count = () => [...acks.keys()].reduce((n, id) => n + (arrivals.get(id)?.length ?? 0), 0);
    while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const samples = [];
    let last = started;
    for (const [id, ackedAt] of acks) {
      for (const arrivedAt of arrivals.get(id) ?? []) {
        samples.push(arrivedAt - ackedAt);
        last = Math.max(last, arrivedAt);
      }
    }
    const s = summarize(samples);
    const rate = samples.length / ((last - started) / 1000);
    console.log(
      `${String(load).padStart(3)} recipient${load === 1 ? " " : "s"}  pushes ${samples.length}/${expected}  ${rate.toFixed(1)} pushes/s  p50 ${fmt(s.p50)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}`,
    );
  }
  if (rejected > 0) console.log(`push service refused ${rejected} requests`);
} finally {
  await server.stop();
  pushService.close();
}
