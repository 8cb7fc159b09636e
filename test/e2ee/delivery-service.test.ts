import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import {
  type ClientState,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  joinGroup,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls";
import { describe, expect, it } from "vitest";
import { toBase64url } from "../../client/e2ee/bytes";
import { type GroupContextDeps, MlsGroup, type PendingCommit } from "../../client/e2ee/group";
import { MemoryE2eeStore } from "../../client/e2ee/store";
import { type GroupPolicy, MlsDeliveryService, type RoomDevice } from "../../shared/e2ee/delivery-service";
import { unique } from "../helpers";
import { mls } from "./fixtures";

/** Runs `body` with a delivery service on the SQLite of a fresh ChatRoom object (only its storage is used). */
async function withRoom(body: (ds: MlsDeliveryService, chatId: string) => Promise<void>): Promise<void> {
  const chatId = `e2ee-${unique()}`;
  await runInDurableObject(env.CHAT_ROOM.getByName(chatId), (_room, state) => body(new MlsDeliveryService(state.storage.sql, chatId), chatId));
}

/** The storage a delivery service was made on, to make another on it (the object woken again). */
const sqlOf = (ds: MlsDeliveryService) => (ds as unknown as { sql: SqlStorage }).sql;

interface Device extends RoomDevice {
  publicPackage: KeyPackage;
  privatePackage: PrivateKeyPackage;
  group?: MlsGroup;
}

async function device(userId: string, deviceId: string): Promise<Device> {
  const cs = await mls();
  const now = BigInt(Math.floor(Date.now() / 1000));
  const credential = { credentialType: "basic" as const, identity: new TextEncoder().encode(`${userId}:${deviceId}`) };
  return { userId, deviceId, ...(await generateKeyPackage(credential, defaultCapabilities(), { notBefore: now - 60n, notAfter: now + 86_400n }, [], cs)) };
}

async function groupDeps(d: Device): Promise<GroupContextDeps> {
  const notUsed = () => Promise.reject(new Error("no server in this test"));
  return {
    cs: await mls(),
    store: new MemoryE2eeStore(),
    server: { registerDevice: notUsed, uploadKeyPackages: notUsed, keyPackageStock: notUsed, claimKeyPackages: notUsed, devicesOf: notUsed },
    self: { userId: d.userId, deviceId: d.deviceId },
  };
}

async function start(chatId: string, creator: Device) {
  const state = await createGroup(new TextEncoder().encode(chatId), creator.publicPackage, creator.privatePackage, [], await mls());
  creator.group = new MlsGroup(chatId, state, await groupDeps(creator));
}

async function join(chatId: string, d: Device, welcome: Uint8Array) {
  const decoded = decodeMlsMessage(welcome, 0)?.[0];
  if (decoded?.wireformat !== "mls_welcome") throw new Error("not a welcome");
  const state: ClientState = await joinGroup(decoded.welcome, d.publicPackage, d.privatePackage, emptyPskIndex, await mls());
  d.group = new MlsGroup(chatId, state, await groupDeps(d));
}

/** MlsGroup.commitAdding takes claimed packages as the server hands them out. */
async function commitAdding(by: Device, devices: Device[]): Promise<PendingCommit> {
  return (by.group as MlsGroup).commitAdding(
    devices.map((d) => ({
      userId: d.userId,
      deviceId: d.deviceId,
      lastResort: false,
      keyPackage: toBase64url(encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: d.publicPackage })),
    })),
  );
}

function policy(members: string[], ended: string[] = []): GroupPolicy {
  return { isMember: (userId) => members.includes(userId), isLiveDevice: (deviceId) => !ended.includes(deviceId) };
}

const T = Date.parse("2026-11-25T07:00:00Z");

describe("MlsDeliveryService", () => {
  it("orders the first commit for each epoch, keeps Welcomes for the added devices, and refuses a stale commit; the loser retries on the new epoch", async () => {
    await withRoom(async (ds, chatId) => {
      const [annPhone, annLaptop, bob] = [await device("ann", "a1"), await device("ann", "a2"), await device("bob", "b1")];
      const everyone = policy(["ann", "bob"]);
      await start(chatId, annPhone);
      const added = await commitAdding(annPhone, [annLaptop, bob]);
      expect(ds.submitCommit(added.commit, added.welcome, annPhone, everyone, T)).toEqual({
        ok: true,
        epoch: 1,
        added: [annLaptop, bob].map(({ userId, deviceId }) => ({ userId, deviceId })),
      });
      await added.accept();
      expect(ds.leaves()).toEqual([
        { userId: "ann", deviceId: "a1" },
        { userId: "ann", deviceId: "a2" },
        { userId: "bob", deviceId: "b1" },
      ]);
      for (const d of [annLaptop, bob]) {
        const [welcome] = ds.welcomesFor(d.deviceId);
        await join(chatId, d, (welcome as { bytes: Uint8Array }).bytes);
        ds.acknowledgeWelcome(d.deviceId, (welcome as { id: number }).id);
        expect(ds.welcomesFor(d.deviceId)).toEqual([]);
      }

      // Bob and Ann's laptop commit on epoch 1 at once: bob's arrives first.
      const fromBob = await (bob.group as MlsGroup).commitUpdate();
      const fromLaptop = await (annLaptop.group as MlsGroup).commitUpdate();
      expect(ds.submitCommit(fromBob.commit, undefined, bob, everyone, T)).toMatchObject({ ok: true, epoch: 2 });
      await fromBob.accept();
      expect(ds.submitCommit(fromLaptop.commit, undefined, annLaptop, everyone, T)).toMatchObject({ ok: false, code: "mls_stale_epoch", epoch: 2 });

      // The laptop catches up with what the room ordered and commits again on epoch 2.
      let attempts = 0;
      await (annLaptop.group as MlsGroup).commitInOrder(
        (group) => (attempts++ === 0 ? Promise.resolve(fromLaptop) : group.commitUpdate()),
        async (pending) => ds.submitCommit(pending.commit, undefined, annLaptop, everyone, T).ok,
        async () => {
          for (const { bytes } of ds.commitsSince(Number((annLaptop.group as MlsGroup).epoch))) await (annLaptop.group as MlsGroup).process(bytes);
        },
      );
      expect(attempts).toBe(2);
      expect(ds.epoch).toBe(3);
      for (const d of [annPhone, bob]) for (const { bytes } of ds.commitsSince(Number((d.group as MlsGroup).epoch))) await (d.group as MlsGroup).process(bytes);
      const hello = await (annLaptop.group as MlsGroup).encrypt({ text: "all at epoch 3" }, { mentions: ["bob"] });
      const checked = ds.checkApplication(hello, annLaptop, everyone);
      expect(checked.ok && new TextDecoder().decode(checked.authenticatedData)).toBe('{"mentions":["bob"]}');
      expect(await (bob.group as MlsGroup).process(hello)).toMatchObject({ payload: { text: "all at epoch 3" } });

      // The room's object woken again (after hibernation, an eviction, a deploy) reads its epoch
      // back from its storage: the same epoch, so the members' messages and commits still pass.
      const woken = new MlsDeliveryService(sqlOf(ds), chatId);
      expect(woken.epoch).toBe(3);
      expect(woken.checkApplication(await (bob.group as MlsGroup).encrypt({ text: "after waking" }), bob, everyone)).toMatchObject({ ok: true });
      const afterWaking = await (bob.group as MlsGroup).commitUpdate();
      expect(woken.submitCommit(afterWaking.commit, undefined, bob, everyone, T)).toMatchObject({ ok: true, epoch: 4 });
    });
  });

  it("a room that never had a commit is woken before the group's start", async () => {
    await withRoom(async (ds, chatId) => {
      expect(ds.epoch).toBe(-1);
      expect(new MlsDeliveryService(sqlOf(ds), chatId).epoch).toBe(-1);
    });
  });

  it("refuses adding a device of someone who is not a member, and a commit sent in another device's name", async () => {
    await withRoom(async (ds, chatId) => {
      const [ann, eve] = [await device("ann", "a1"), await device("eve", "e1")];
      await start(chatId, ann);
      const addEve = await commitAdding(ann, [eve]);
      expect(ds.submitCommit(addEve.commit, addEve.welcome, ann, policy(["ann"]), T)).toMatchObject({ ok: false, code: "mls_add_not_allowed" });
      const first = await (ann.group as MlsGroup).commitUpdate();
      expect(ds.submitCommit(first.commit, undefined, ann, policy(["ann"]), T)).toMatchObject({ ok: true, epoch: 1 });
      await first.accept();
      const second = await (ann.group as MlsGroup).commitUpdate();
      expect(ds.submitCommit(second.commit, undefined, eve, policy(["ann", "eve"]), T)).toMatchObject({ ok: false, code: "mls_sender_mismatch" });
      expect(ds.welcomesFor("e1")).toEqual([]);
    });
  });

  it("after a member leaves or a device ends, messages wait until a commit removes its leaves; a commit that leaves them is refused", async () => {
    await withRoom(async (ds, chatId) => {
      const [ann, bobPhone, bobLaptop] = [await device("ann", "a1"), await device("bob", "b1"), await device("bob", "b2")];
      await start(chatId, ann);
      const added = await commitAdding(ann, [bobPhone, bobLaptop]);
      expect(ds.submitCommit(added.commit, added.welcome, ann, policy(["ann", "bob"]), T).ok).toBe(true);
      await added.accept();

      // Bob's laptop session ended: its leaf must go before anything else is relayed.
      const laptopEnded = policy(["ann", "bob"], ["b2"]);
      expect(ds.mustRemove(laptopEnded)).toEqual([{ userId: "bob", deviceId: "b2" }]);
      const early = await (ann.group as MlsGroup).encrypt({ text: "not yet" });
      expect(ds.checkApplication(early, ann, laptopEnded)).toMatchObject({ ok: false, code: "mls_removal_pending" });
      const update = await (ann.group as MlsGroup).commitUpdate();
      expect(ds.submitCommit(update.commit, undefined, ann, laptopEnded, T)).toMatchObject({ ok: false, code: "mls_removal_missing" });
      const removal = await (ann.group as MlsGroup).commitRemovingDevices(["b2"]);
      expect(ds.submitCommit(removal.commit, undefined, ann, laptopEnded, T)).toMatchObject({ ok: true, epoch: 2 });
      await removal.accept();
      expect(ds.leaves()).toEqual([
        { userId: "ann", deviceId: "a1" },
        { userId: "bob", deviceId: "b1" },
      ]);
      const now = await (ann.group as MlsGroup).encrypt({ text: "now" });
      expect(ds.checkApplication(now, ann, laptopEnded).ok).toBe(true);
      expect(ds.checkApplication(early, ann, laptopEnded)).toMatchObject({ ok: false, code: "mls_stale_epoch" });

      // Bob leaves the chat: his phone's leaf goes too; the freed leaf is reused by the next add.
      const bobLeft = policy(["ann"]);
      expect(ds.checkApplication(now, ann, bobLeft)).toMatchObject({ ok: false, code: "mls_removal_pending" });
      const annTablet = await device("ann", "a3");
      const both = await (ann.group as MlsGroup).commitRemovingUsers(["bob"]);
      expect(ds.submitCommit(both.commit, undefined, ann, bobLeft, T)).toMatchObject({ ok: true, epoch: 3 });
      await both.accept();
      const addTablet = await commitAdding(ann, [annTablet]);
      expect(ds.submitCommit(addTablet.commit, addTablet.welcome, ann, bobLeft, T)).toMatchObject({ ok: true, epoch: 4 });
      expect(ds.leaves()).toEqual([
        { userId: "ann", deviceId: "a1" },
        { userId: "ann", deviceId: "a3" },
      ]);
    });
  });

  it("refuses bytes that are not MLS, and a commit sent as a PrivateMessage", async () => {
    await withRoom(async (ds, chatId) => {
      const ann = await device("ann", "a1");
      await start(chatId, ann);
      expect(ds.submitCommit(new Uint8Array([1, 2, 3]), undefined, ann, policy(["ann"]), T)).toMatchObject({ ok: false, code: "mls_not_a_commit" });
      expect(ds.checkApplication(new Uint8Array([1, 2, 3]), ann, policy(["ann"]))).toMatchObject({ ok: false, code: "mls_not_mls" });
      const message = await (ann.group as MlsGroup).encrypt({ text: "x" });
      expect(ds.submitCommit(message, undefined, ann, policy(["ann"]), T)).toMatchObject({ ok: false, code: "mls_not_a_commit" });
    });
  });
});
