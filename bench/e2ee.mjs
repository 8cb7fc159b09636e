// End-to-end encryption costs on this machine (docs/performance.md, "End-to-end encryption"):
//   message:  MlsGroup.encrypt and .process of one chat message (a group of two devices)
//   commit:   for groups of 5, 50 and 200 devices: the commit adding them, then an update commit
//             (create + apply at the committer) and its processing at another member
//   sframe:   SFrame seal and open per call frame (audio 100 B, video 1.5 KB, key frame 15 KB)
//   claim:    POST /v1/e2ee/key-packages/claim against the real local stack (`wrangler dev`)
//   ceiling:  the chat room's ceiling with encrypted chats against plain ones, in one run on one
//             server: one sender socket and RECEIVERS receiving sockets in a fresh group per step,
//             the offered rate ramped as bench/chat.mjs ramps it (until acknowledgements fall
//             below 90% of the offered rate two steps running), acknowledged and delivered msg/s.
//             The encrypted chat is a real MLS group made with client/e2ee's EncryptedRoom over the
//             chat socket (the sender's device starts it, adds the receivers' devices, they join by
//             their Welcomes); its messages are sealed before each step, so the room is measured,
//             not this client's encryption (which "message" above measures).
// Run: npm run bench:e2ee
//   env MESSAGES=200 UPDATES=5 CLAIMS=40 FRAMES=2000 SIZES=5,50,200 SERVER=0 (skip the server parts)
//   --port <n> (default 8799, moved by TEST_PORT_OFFSET), --ramp 250,500,... (offered msg/s),
//   --step-seconds <n> (default 3), --receivers <n> (default 2), --only server (skip the in-process parts)
// The client library runs here as the browser runs it: client/e2ee bundled by esbuild, Web Crypto of Node.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { fmt, startDevServer, summarize, testPort } from "./lib/dev-server.mjs";
import { busyShare, cpuTimes, loadLine, machineLine } from "./lib/machine.mjs";
import { runtimeUrl, workerdGroup, workerdUsage } from "./lib/workerd-usage.mjs";

const { values: options } = parseArgs({
  options: {
    port: { type: "string", default: String(testPort(8799)) },
    ramp: { type: "string", default: "250,500,750,1000,1250,1500,2000,2500,3000,3500,4000,5000,6000,8000" },
    "step-seconds": { type: "string", default: "3" },
    receivers: { type: "string", default: "2" },
    only: { type: "string" },
  },
});
const MESSAGES = Number(process.env.MESSAGES ?? 200);
const UPDATES = Number(process.env.UPDATES ?? 5);
const CLAIMS = Number(process.env.CLAIMS ?? 40);
const FRAMES = Number(process.env.FRAMES ?? 2000);
const SIZES = (process.env.SIZES ?? "5,50,200").split(",").map(Number);
const SERVER = process.env.SERVER !== "0";
const IN_PROCESS = options.only !== "server";
const PORT = Number(options.port);
const RAMP = options.ramp.split(",").map(Number);
const STEP_SECONDS = Number(options["step-seconds"]);
const RECEIVERS = Number(options.receivers);
/** Acknowledgements below this share of the offered rate: the room fell behind (as in bench/chat.mjs). */
const KEEPS_UP = 0.9;
/** Acknowledgements and deliveries later than this after the last send count as missing. */
const DRAIN_MS = 15_000;

// wrangler needs Node 22: `npm run bench:e2ee` puts the project's own Node (the `node`
// devDependency) first on PATH, a bare `node bench/e2ee.mjs` may run an older one, whose wrangler
// refuses to start. Then the bench runs itself again under the project's Node.
const ownNode = fileURLToPath(new URL("../node_modules/.bin/node", import.meta.url));
if (SERVER && Number(process.versions.node.split(".")[0]) < 22) {
  if (!existsSync(ownNode)) throw new Error(`wrangler needs Node 22 or later (this is ${process.version}): run npm install, then npm run bench:e2ee`);
  process.exit(spawnSync(ownNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" }).status ?? 1);
}

// The dev server sometimes closes a kept-alive connection right after an answer; a request sent on
// it at that moment fails before the server sees it (test/dev-server/own-connections.ts). Every
// request of this bench goes on a connection of its own.
const send = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set("connection", "close");
  return send(input, { ...init, headers });
};

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "bench-e2ee-"));
const entry = path.join(work, "entry.ts");
writeFileSync(
  entry,
  [
    `export { createPlatformClient, ok } from ${JSON.stringify(path.join(root, "client/index.ts"))};`,
    `export * from ${JSON.stringify(path.join(root, "client/e2ee/call-keys.ts"))};`,
    `export { toBase64url } from ${JSON.stringify(path.join(root, "client/e2ee/bytes.ts"))};`,
    `export { MlsDevice } from ${JSON.stringify(path.join(root, "client/e2ee/device.ts"))};`,
    `export { EncryptedRoom } from ${JSON.stringify(path.join(root, "client/e2ee/encrypted-room.ts"))};`,
    `export { MemoryE2eeDirectory } from ${JSON.stringify(path.join(root, "client/e2ee/memory-server.ts"))};`,
    `export { platformE2eeServer } from ${JSON.stringify(path.join(root, "client/e2ee/server.ts"))};`,
    `export { MemoryE2eeStore } from ${JSON.stringify(path.join(root, "client/e2ee/store.ts"))};`,
  ].join("\n"),
);
await build({
  entryPoints: [entry],
  outfile: path.join(work, "e2ee.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
const lib = await import(pathToFileURL(path.join(work, "e2ee.mjs")).href);
rmSync(work, { recursive: true, force: true });

const { CallKeyring, callEpochKey, EncryptedRoom, MemoryE2eeDirectory, MemoryE2eeStore, MlsDevice, ok, toBase64url } = lib;
const line = (label, samples) => {
  const s = summarize(samples);
  return `${label.padEnd(44)} p50 ${fmt(s.p50).padStart(10)}  p99 ${fmt(s.p99).padStart(10)}  (n=${s.n})`;
};
const timed = async (fn) => {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
};

/** `count` devices (one user each) with one key package each, on one in-memory directory. */
async function devices(count) {
  const directory = new MemoryE2eeDirectory();
  const all = [];
  for (let i = 0; i < count; i++) {
    const device = await MlsDevice.open({ userId: `user-${i}`, server: directory.serverFor(`user-${i}`), store: new MemoryE2eeStore() });
    await device.refillKeyPackages({ target: 1, threshold: 1 });
    all.push(device);
  }
  return all;
}

console.log(machineLine());
console.log(loadLine("before"));
const cpuBefore = cpuTimes();

if (IN_PROCESS) {
  // Messages: two devices, one encrypts, the other decrypts.
  {
    const [ann, bob] = await devices(2);
    const annGroup = await ann.createGroup("bench-chat");
    const added = await annGroup.commitAddingUsers(["user-1"]);
    await added.accept();
    const bobGroup = await bob.joinGroup(added.welcome);
    const text = "a message of ordinary length, about as long as people write them in a family chat";
    const sealed = [];
    const opened = [];
    for (let i = 0; i < MESSAGES; i++) {
      const [sealMs, bytes] = await timed(() => annGroup.encrypt({ text: `${text} ${i}` }, { mentions: [] }));
      const [openMs] = await timed(() => bobGroup.process(bytes));
      sealed.push(sealMs);
      opened.push(openMs);
    }
    console.log("\nmessages (a group of 2 devices; each call saves the group state to a memory store)");
    console.log(line("encrypt one message", sealed));
    console.log(line("decrypt one message", opened));
  }

  // Commits: groups of 5, 50, 200 devices.
  console.log("\ncommits (one device per user; the other members' processing measured at one of them)");
  for (const size of SIZES) {
    const all = await devices(size);
    const [creator, member] = all;
    const group = await creator.createGroup(`bench-${size}`);
    const [addMs, added] = await timed(async () => {
      const pending = await group.commitAddingUsers(all.slice(1).map((_, i) => `user-${i + 1}`));
      await pending.accept();
      return pending;
    });
    const [joinMs, memberGroup] = await timed(() => member.joinGroup(added.welcome));
    const create = [];
    const apply = [];
    for (let i = 0; i < UPDATES; i++) {
      const [createMs, pending] = await timed(async () => {
        const update = await group.commitUpdate();
        await update.accept();
        return update;
      });
      const [applyMs] = await timed(() => memberGroup.process(pending.commit));
      create.push(createMs);
      apply.push(applyMs);
    }
    console.log(`${size} devices: commit adding ${size - 1} devices ${fmt(addMs)} (one run), a member joins by its Welcome ${fmt(joinMs)}`);
    console.log(line(`  ${size} devices: update commit, create + apply`, create));
    console.log(line(`  ${size} devices: update commit, process at a member`, apply));
  }

  // SFrame per frame.
  {
    const [ann, bob] = await devices(2);
    const annGroup = await ann.createGroup("bench-call");
    const added = await annGroup.commitAddingUsers(["user-1"]);
    await added.accept();
    const bobGroup = await bob.joinGroup(added.welcome);
    const sender = new CallKeyring();
    const receiver = new CallKeyring();
    sender.setEpoch(await callEpochKey(annGroup));
    receiver.setEpoch(await callEpochKey(bobGroup));
    console.log("\nSFrame per frame (AES_128_GCM_SHA256_128, keys from the MLS exporter, 3 bytes of clear codec prefix)");
    for (const [label, size, context] of [
      ["audio frame, 100 B", 100, 0],
      ["video frame, 1.5 KB", 1500, 1],
      ["video key frame, 15 KB", 15_000, 1],
    ]) {
      const payload = new Uint8Array(size).fill(7);
      const prefix = payload.subarray(0, 3);
      const seal = [];
      const open = [];
      for (let i = 0; i < FRAMES; i++) {
        const [sealMs, frame] = await timed(() => sender.seal(context, prefix, payload.subarray(3)));
        const [openMs] = await timed(() => receiver.open(prefix, frame));
        seal.push(sealMs);
        open.push(openMs);
      }
      console.log(line(`seal ${label}`, seal));
      console.log(line(`open ${label}`, open));
    }
  }
}

// ---- the server: key packages, then the room's ceiling --------------------------------------------

function openWebSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => reject(new Error(`no open within 15 s: ${url}`)), 15_000);
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

/**
 * The chat socket as EncryptedRoom's transport while a group is set up: every frame parsed and
 * offered to whoever waits. `stop()` ends the parsing before the load, where frames are only counted.
 */
function transportOf(ws) {
  const waiting = new Set();
  const listener = (event) => {
    const frame = JSON.parse(event.data);
    for (const waiter of waiting) {
      if (!waiter.match(frame)) continue;
      waiting.delete(waiter);
      waiter.resolve(frame);
      return;
    }
  };
  ws.addEventListener("message", listener);
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    next: (match) =>
      new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiting.add(waiter);
        setTimeout(() => {
          if (waiting.delete(waiter)) reject(new Error("no answer from the room within 30 s"));
        }, 30_000).unref();
      }),
    stop: () => ws.removeEventListener("message", listener),
  };
}

async function serverParts() {
  const server = await startDevServer({
    port: PORT,
    name: "e2ee-bench",
    vars: {
      STUN_URLS: "",
      RATE_LIMIT_REGISTER_PER_IP: "100000/300",
      RATE_LIMIT_LOGIN_PER_IP: "100000/300",
      // One sender offers thousands of msg/s: the per-user limit stays on, set above the load.
      RATE_LIMIT_CHAT_MESSAGES: "100000/1",
      // A fresh group per ramp step, all created by the same user.
      RATE_LIMIT_GROUPS_PER_USER: "100000/3600",
    },
  });
  try {
    console.log(`\nwrangler dev on ${server.url}`);
    let registered = 0;
    const signUp = async (name) => {
      const client = lib.createPlatformClient({ baseUrl: server.url });
      const { user } = await client.register({
        email: `${name}-${Date.now()}-${registered++}@bench.example`,
        password: `bench password ${Math.random()}`,
        displayName: name,
      });
      return { client, userId: user.id };
    };
    /** A signed-in session with its MLS device (this process's memory as its store) and key packages on the server. */
    const withDevice = async (person, packages) => {
      const device = await MlsDevice.open({ userId: person.userId, server: lib.platformE2eeServer(person.client), store: new MemoryE2eeStore() });
      await device.refillKeyPackages({ target: packages, threshold: packages });
      return { ...person, device };
    };

    // Key packages: upload, then claims of one user's package.
    {
      const ann = await signUp("ann");
      const bob = await signUp("bob");
      await ok(ann.client.api.v1.chats.$post({ json: { type: "direct", userId: bob.userId } }));
      const bobDevice = await MlsDevice.open({ userId: bob.userId, server: lib.platformE2eeServer(bob.client), store: new MemoryE2eeStore() });
      const packages = Math.min(CLAIMS, 100);
      const [uploadMs] = await timed(() => bobDevice.refillKeyPackages({ target: packages, threshold: packages }));
      const claims = [];
      const annServer = lib.platformE2eeServer(ann.client);
      for (let i = 0; i < CLAIMS; i++) {
        const [ms, { items }] = await timed(() => annServer.claimKeyPackages([bob.userId]));
        if (items.length !== 1) throw new Error(`claim ${i} gave ${items.length} packages`);
        claims.push(ms);
      }
      console.log("\nkey packages through wrangler dev");
      console.log(`upload ${packages} key packages plus a last-resort one (each checked with ts-mls in the Worker): ${fmt(uploadMs)}`);
      console.log(line("claim one user's package (POST .../claim)", claims));
    }

    // The room's ceiling: plain and encrypted groups of one sender and RECEIVERS receivers.
    const stepsMax = RAMP.length + 2;
    const sender = await withDevice(await signUp("sender"), 1);
    const receivers = [];
    // Each encrypted step adds every receiver's device with a claimed one-time package (the last-resort one after that).
    for (let i = 0; i < RECEIVERS; i++) receivers.push(await withDevice(await signUp(`receiver-${i}`), Math.min(100, stepsMax * 2)));
    const socketOrigin = (await runtimeUrl(PORT, "/health"))?.replace(/^http/, "ws");
    if (!socketOrigin) throw new Error("no workerd runtime found behind wrangler dev (Linux and `ss` are needed to find it)");
    const connect = async (chatId, person) => {
      const { ticket } = await ok(person.client.api.v1.realtime.tickets.$post());
      const ws = await openWebSocket(`${socketOrigin}/v1/chats/${chatId}/ws?ticket=${ticket}`);
      await new Promise((resolve) => ws.addEventListener("message", resolve, { once: true })); // hello
      return ws;
    };
    const text = "a message of ordinary length, about as long as people write them in a family chat";
    let rooms = 0;

    /** A fresh group and its sockets, with `total` send frames ready (sealed first, for the encrypted chat). */
    async function room(encrypted, total, label) {
      const chat = await ok(
        sender.client.api.v1.chats.$post({
          json: { type: "group", title: `bench ${label} ${rooms++}`, memberIds: receivers.map((r) => r.userId), encrypted },
        }),
      );
      const sockets = [await connect(chat.id, sender), ...(await Promise.all(receivers.map((r) => connect(chat.id, r))))];
      const frames = new Array(total);
      if (!encrypted) {
        for (let i = 0; i < total; i++) frames[i] = JSON.stringify({ type: "message.send", clientId: `${label}-${i}`, text: `${text} ${i}` });
        return { sockets, frames, check: async () => true };
      }
      const transports = sockets.map(transportOf);
      const senderRoom = await EncryptedRoom.open(chat.id, sender.device, transports[0]);
      if (!(await senderRoom.ensureJoined())) throw new Error("the sender's device could not start the group");
      await senderRoom.addUsers(receivers.map((r) => r.userId));
      const receiverRooms = [];
      for (const [i, receiver] of receivers.entries()) {
        const joined = await EncryptedRoom.open(chat.id, receiver.device, transports[i + 1]);
        if (!(await joined.ensureJoined())) throw new Error("a receiver's device did not join by its Welcome");
        receiverRooms.push(joined);
      }
      for (const transport of transports) transport.stop();
      const group = senderRoom.group;
      for (let i = 0; i < total; i++) {
        const sealed = await group.encrypt({ text: `${text} ${i}` }, {});
        frames[i] = JSON.stringify({ type: "mls.send", clientId: `${label}-${i}`, message: toBase64url(sealed) });
      }
      // After the load: the first message the room relayed opens at a receiver (it is a real MLS chat).
      const check = async (firstDelivered) => {
        const opened = await receiverRooms[0].open(JSON.parse(firstDelivered).message);
        return opened.ok && opened.payload.text === `${text} 0`;
      };
      return { sockets, frames, check };
    }

    async function measure(encrypted, rate, seconds, label) {
      const total = Math.round(rate * seconds);
      const r = await room(encrypted, total, label);
      const [senderSocket, ...receiverSockets] = r.sockets;
      let accepted = 0;
      let delivered = 0;
      let errors = 0;
      let lastAcceptedAt = 0;
      let lastDeliveredAt = 0;
      let firstDelivered = null;
      let closed = 0;
      const bytes = r.frames.reduce((n, frame) => n + frame.length, 0) / total;
      for (const ws of r.sockets) ws.addEventListener("close", () => closed++);
      senderSocket.addEventListener("message", (event) => {
        if (event.data.startsWith('{"type":"message.ack"')) {
          accepted++;
          lastAcceptedAt = performance.now();
        } else if (event.data.includes('"type":"error"')) errors++;
      });
      receiverSockets[0].addEventListener("message", (event) => {
        if (firstDelivered === null && event.data.startsWith('{"type":"message.new"')) firstDelivered = event.data;
      });
      for (const ws of receiverSockets)
        ws.addEventListener("message", (event) => {
          if (!event.data.startsWith('{"type":"message.new"')) return;
          delivered++;
          lastDeliveredAt = performance.now();
        });
      const pids = workerdGroup(PORT);
      const before = workerdUsage(pids);
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      let sent = 0;
      await new Promise((resolve) => {
        const tick = () => {
          const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
          while (sent < due) senderSocket.send(r.frames[sent++]);
          if (sent < total) setTimeout(tick, 1);
          else resolve();
        };
        tick();
      });
      const sendEnded = performance.now();
      const expected = total * receiverSockets.length;
      while ((accepted + errors < total || delivered < expected) && performance.now() < sendEnded + DRAIN_MS) await new Promise((res) => setTimeout(res, 20));
      const after = workerdUsage(pids);
      const clientCpu = process.cpuUsage(clientBefore);
      const readable = firstDelivered ? await r.check(firstDelivered) : null;
      for (const ws of r.sockets) ws.close();
      return {
        rate,
        total,
        accepted,
        errors,
        delivered,
        expected,
        closed,
        bytes,
        readable,
        acceptedPerSecond: accepted / ((lastAcceptedAt - started) / 1000),
        deliveredPerSecond: delivered / ((lastDeliveredAt - started) / 1000),
        cpuMsPerMessage: pids.length ? (after.cpuMs - before.cpuMs) / Math.max(1, accepted) : Number.NaN,
        clientCpuShare: (clientCpu.user + clientCpu.system) / 1000 / (Math.max(lastAcceptedAt, lastDeliveredAt, sendEnded) - started),
        load1: os.loadavg()[0],
      };
    }

    const perSecond = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}/s` : "-");
    const describe = (row) =>
      [
        `accepted ${row.accepted}/${row.total} (${perSecond(row.acceptedPerSecond)})`,
        `delivered ${row.delivered}/${row.expected} (${perSecond(row.deliveredPerSecond)})`,
        Number.isFinite(row.cpuMsPerMessage) ? `workerd ${row.cpuMsPerMessage.toFixed(2)} ms CPU/msg` : "",
        `frame ${row.bytes.toFixed(0)} B`,
        row.errors ? `errors ${row.errors}` : "",
        row.closed ? `SOCKETS CLOSED BY THE SERVER: ${row.closed}` : "",
        row.readable === false ? "THE RELAYED MESSAGE DID NOT OPEN" : "",
        `client ${(row.clientCpuShare * 100).toFixed(0)}% of a core${row.clientCpuShare > 0.85 ? " (THE CLIENT MAY BE THE LIMIT)" : ""}`,
        `load ${row.load1.toFixed(1)}`,
      ]
        .filter(Boolean)
        .join("  ");

    async function ramp(encrypted) {
      const steps = [];
      for (const rate of RAMP) {
        const row = await measure(encrypted, rate, STEP_SECONDS, `${encrypted ? "mls" : "plain"}-${rate}`);
        steps.push(row);
        console.log(`    ${String(rate).padStart(6)} offered  ${describe(row)}`);
        if (row.errors > 0 || row.closed > 0) break;
        if (steps.slice(-2).filter((step) => step.acceptedPerSecond < KEEPS_UP * step.rate).length === 2) break;
      }
      return steps.reduce((a, b) => (b.acceptedPerSecond > a.acceptedPerSecond ? b : a));
    }

    // Warm both paths (JIT, the room's code, the MLS decoder in the Worker) before measuring.
    const warm = await measure(true, 100, 1, "warm-mls");
    await measure(false, 100, 1, "warm-plain");
    if (warm.readable !== true) throw new Error("the warm-up's encrypted message did not open at a receiver");
    console.log(
      `\nthe room's ceiling: 1 sender and ${RECEIVERS} receiving sockets, a fresh group per step of ${STEP_SECONDS} s, sockets straight to workerd (wrangler's dev proxy left out)`,
    );
    console.log("  plain group (message.send):");
    const plain = await ramp(false);
    console.log("  encrypted group (mls.send, a real MLS group; messages sealed before each step):");
    const encrypted = await ramp(true);
    const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : "-");
    console.log(`  ceiling plain      ${describe(plain)}`);
    console.log(`  ceiling encrypted  ${describe(encrypted)}`);
    console.log(
      `  encrypted/plain    accepted/s ${ratio(encrypted.acceptedPerSecond, plain.acceptedPerSecond)}  delivered/s ${ratio(encrypted.deliveredPerSecond, plain.deliveredPerSecond)}  workerd CPU/msg ${ratio(encrypted.cpuMsPerMessage, plain.cpuMsPerMessage)}`,
    );
  } finally {
    await server.stop();
  }
}

if (SERVER) await serverParts();

console.log(loadLine("\nafter"));
console.log(`all cores busy ${(busyShare(cpuBefore, cpuTimes()) * 100).toFixed(0)}% of the time while it ran (this bench and everything else on the machine)`);
// Sockets the server closed late, or a kept-alive fetch, would hold the process a while longer.
process.exit();
