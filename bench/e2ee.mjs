// End-to-end encryption costs on this machine (docs/performance.md, "End-to-end encryption"):
//   message:  MlsGroup.encrypt and .process of one chat message (a group of two devices)
//   commit:   for groups of 5, 50 and 200 devices: the commit adding them, then an update commit
//             (create + apply at the committer) and its processing at another member
//   claim:    POST /v1/e2ee/key-packages/claim against the real local stack (`wrangler dev`)
//   sframe:   SFrame seal and open per call frame (audio 100 B, video 1.5 KB, key frame 15 KB)
// Run: npm run bench:e2ee   (MESSAGES=200 UPDATES=5 CLAIMS=40 FRAMES=2000 SIZES=5,50,200 SERVER=0 to skip the server)
// The client library runs here as the browser runs it: client/e2ee bundled by esbuild, Web Crypto of Node.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { fmt, startDevServer, summarize } from "./lib/dev-server.mjs";
import { busyShare, cpuTimes, loadLine, machineLine } from "./lib/machine.mjs";

const MESSAGES = Number(process.env.MESSAGES ?? 200);
const UPDATES = Number(process.env.UPDATES ?? 5);
const CLAIMS = Number(process.env.CLAIMS ?? 40);
const FRAMES = Number(process.env.FRAMES ?? 2000);
const SIZES = (process.env.SIZES ?? "5,50,200").split(",").map(Number);
const SERVER = process.env.SERVER !== "0";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "bench-e2ee-"));
const entry = path.join(work, "entry.ts");
writeFileSync(
  entry,
  [
    `export { createPlatformClient } from ${JSON.stringify(path.join(root, "client/index.ts"))};`,
    `export * from ${JSON.stringify(path.join(root, "client/e2ee/call-keys.ts"))};`,
    `export { MlsDevice } from ${JSON.stringify(path.join(root, "client/e2ee/device.ts"))};`,
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

const { CallKeyring, callEpochKey, MemoryE2eeDirectory, MemoryE2eeStore, MlsDevice } = lib;
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

// Key packages through the server.
if (SERVER) {
  const server = await startDevServer({
    port: 8799,
    name: "e2ee-bench",
    vars: { STUN_URLS: "", RATE_LIMIT_REGISTER_PER_IP: "100000/300", RATE_LIMIT_LOGIN_PER_IP: "100000/300" },
  });
  try {
    const signUp = async (name) => {
      const client = lib.createPlatformClient({ baseUrl: server.url });
      const { user } = await client.register({ email: `${name}-${Date.now()}@bench.example`, password: `bench password ${Math.random()}`, displayName: name });
      return { client, userId: user.id };
    };
    const ann = await signUp("ann");
    const bob = await signUp("bob");
    await ann.client.api.v1.chats.$post({ json: { type: "direct", userId: bob.userId } });
    const annDevice = await MlsDevice.open({ userId: ann.userId, server: lib.platformE2eeServer(ann.client), store: new MemoryE2eeStore() });
    await annDevice.refillKeyPackages({ target: 1, threshold: 1 });
    const bobDevice = await MlsDevice.open({ userId: bob.userId, server: lib.platformE2eeServer(bob.client), store: new MemoryE2eeStore() });
    const [uploadMs] = await timed(() => bobDevice.refillKeyPackages({ target: Math.min(CLAIMS, 100), threshold: Math.min(CLAIMS, 100) }));
    const claims = [];
    const server2 = lib.platformE2eeServer(ann.client);
    for (let i = 0; i < CLAIMS; i++) {
      const [ms, { items }] = await timed(() => server2.claimKeyPackages([bob.userId]));
      if (items.length !== 1) throw new Error(`claim ${i} gave ${items.length} packages`);
      claims.push(ms);
    }
    console.log(`\nkey packages through wrangler dev (${server.url})`);
    console.log(`upload ${Math.min(CLAIMS, 100)} key packages plus a last-resort one (each checked with ts-mls in the Worker): ${fmt(uploadMs)}`);
    console.log(line("claim one user's package (POST .../claim)", claims));
  } finally {
    await server.stop();
  }
}

console.log(loadLine("\nafter"));
console.log(`all cores busy ${(busyShare(cpuBefore, cpuTimes()) * 100).toFixed(0)}% of the time while it ran (this bench and everything else on the machine)`);
