// Call keys from the MLS group (client/e2ee/call-keys.ts, RFC 9605 §5.2): every member derives the
// same epoch base key, KIDs carry the sender's leaf index and the epoch, an epoch change re-keys,
// and only members of the epoch open its frames.
import { describe, expect, it } from "vitest";
import { CALL_CONTEXTS, CallKeyring, callEpochKey, callKid, EARLIER_EPOCH_GRACE_MS, indexBitsFor, MlsCallKeySource } from "../../client/e2ee/call-keys";
import { MlsDevice } from "../../client/e2ee/device";
import type { MlsGroup } from "../../client/e2ee/group";
import { MemoryE2eeDirectory } from "../../client/e2ee/memory-server";
import { decodeHeader } from "../../client/e2ee/sframe";
import { MemoryE2eeStore } from "../../client/e2ee/store";

const frame = (text: string) => new TextEncoder().encode(text);
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** `names.length` devices (one user each) in one group: the first creates it and adds the others by one commit. */
async function groupOf(names: string[]): Promise<MlsGroup[]> {
  const directory = new MemoryE2eeDirectory();
  const devices = await Promise.all(
    names.map(async (name) => {
      const device = await MlsDevice.open({ userId: name, server: directory.serverFor(name), store: new MemoryE2eeStore() });
      await device.refillKeyPackages({ target: 2, threshold: 2 });
      return device;
    }),
  );
  const [creator, ...others] = devices as [MlsDevice, ...MlsDevice[]];
  const first = await creator.createGroup("chat-1");
  const added = await first.commitAddingUsers(names.slice(1));
  await added.accept();
  return [first, ...(await Promise.all(others.map((device) => device.joinGroup(added.welcome as Uint8Array))))];
}

/** A member commits an update (a new epoch) and the others process it, as the room would order it. */
async function newEpoch(committer: MlsGroup, others: MlsGroup[]) {
  const pending = await committer.commitUpdate();
  await pending.accept();
  for (const other of others) await other.process(pending.commit);
}

async function keyringOf(group: MlsGroup, now?: () => number) {
  const keyring = new CallKeyring(undefined, now);
  keyring.setEpoch(await callEpochKey(group));
  return keyring;
}

describe("KIDs (RFC 9605 §5.2, Figure 9: E = 4, S = 6)", () => {
  it("carry context, sender index and the epoch's low bits as the RFC's example sequence", () => {
    const kid = (epoch: number, senderIndex: number, context = 0) => callKid({ epoch: BigInt(epoch), senderIndex, indexBits: 6 }, context);
    expect(kid(14, 3)).toBe(0x3en);
    expect(kid(14, 7)).toBe(0x7en);
    expect(kid(14, 20)).toBe(0x14en);
    expect(kid(15, 5)).toBe(0x5fn);
    expect(kid(16, 2, 2)).toBe(0x820n);
    expect(kid(16, 2, 3)).toBe(0xc20n);
    expect(kid(17, 33)).toBe(0x211n);
    expect(kid(17, 51)).toBe(0x331n);
    expect([1, 2, 3, 64, 65].map(indexBitsFor)).toEqual([0, 1, 2, 6, 7]);
  });
});

describe("call keys from the MLS exporter", () => {
  it('every member derives the same base key from MLS-Exporter("SFrame 1.0 Base Key", "", 16), with its own leaf index', async () => {
    const [ann, bob, cat] = await groupOf(["ann", "bob", "cat"]);
    const keys = await Promise.all([ann, bob, cat].map((g) => callEpochKey(g as MlsGroup)));
    expect(keys.map((k) => k.baseKey)).toEqual([keys[0]?.baseKey, keys[0]?.baseKey, keys[0]?.baseKey]);
    expect(keys[0]?.baseKey).toHaveLength(16);
    expect(keys.map((k) => k.senderIndex)).toEqual([0, 1, 2]);
    expect(keys.map((k) => k.indexBits)).toEqual([2, 2, 2]);
    expect(keys.map((k) => k.epoch)).toEqual([1n, 1n, 1n]);
  });

  it("a member's frames open for the others, who learn its leaf index and stream; audio and video count apart", async () => {
    const [ann, bob] = await groupOf(["ann", "bob"]);
    const annRing = await keyringOf(ann as MlsGroup);
    const bobRing = await keyringOf(bob as MlsGroup);
    const prefix = new Uint8Array([0x90, 0x01, 0x02]);
    const video = await bobRing.seal(CALL_CONTEXTS.video, prefix, frame("a video frame"));
    const audio = await bobRing.seal(CALL_CONTEXTS.audio, prefix, frame("an audio frame"));
    const secondVideo = await bobRing.seal(CALL_CONTEXTS.video, prefix, frame("the next video frame"));
    expect(read(video)).not.toContain("video");
    expect([video, audio, secondVideo].map((f) => decodeHeader(f))).toEqual([
      { kid: callKid({ epoch: 1n, senderIndex: 1, indexBits: 1 }, 1), ctr: 0n, length: 2 },
      { kid: callKid({ epoch: 1n, senderIndex: 1, indexBits: 1 }, 0), ctr: 0n, length: 2 },
      { kid: callKid({ epoch: 1n, senderIndex: 1, indexBits: 1 }, 1), ctr: 1n, length: 2 },
    ]);
    const opened = await annRing.open(prefix, video);
    expect({ ...opened, payload: read(opened.payload) }).toEqual({ payload: "a video frame", epoch: 1n, senderIndex: 1, context: 1 });
    expect(read((await annRing.open(prefix, audio)).payload)).toBe("an audio frame");
    // the unencrypted codec prefix is authenticated: changed, the frame does not open
    await expect(annRing.open(new Uint8Array([0x91, 0x01, 0x02]), video)).rejects.toThrow(/does not authenticate/);
  });

  it("an epoch change re-keys: the new epoch's frames open once a member processed the commit; the old epoch's for a grace period only", async () => {
    const [ann, bob] = await groupOf(["ann", "bob"]);
    let now = 1_000_000;
    const clock = () => now;
    const annSource = new MlsCallKeySource(ann as MlsGroup);
    const bobSource = new MlsCallKeySource(bob as MlsGroup);
    const annRing = new CallKeyring(undefined, clock);
    const bobRing = new CallKeyring(undefined, clock);
    annRing.setEpoch(await annSource.current());
    bobRing.setEpoch(await bobSource.current());
    const heard: bigint[] = [];
    const stop = bobSource.subscribe((key) => {
      heard.push(key.epoch);
      bobRing.setEpoch(key);
    });
    const before = await annRing.seal(CALL_CONTEXTS.audio, new Uint8Array(0), frame("epoch one"));

    const pending = await (ann as MlsGroup).commitUpdate();
    await pending.accept();
    await annSource.epochChanged();
    annRing.setEpoch(await annSource.current());
    const after = await annRing.seal(CALL_CONTEXTS.audio, new Uint8Array(0), frame("epoch two"));
    expect(annRing.epoch).toBe(2n);
    await expect(bobRing.open(new Uint8Array(0), after)).rejects.toThrow(/no key for this epoch/);

    await (bob as MlsGroup).process(pending.commit);
    await bobSource.epochChanged();
    expect(heard).toEqual([2n]);
    expect(read((await bobRing.open(new Uint8Array(0), after)).payload)).toBe("epoch two");
    expect(read((await bobRing.open(new Uint8Array(0), before)).payload)).toBe("epoch one");
    now += EARLIER_EPOCH_GRACE_MS;
    await expect(bobRing.open(new Uint8Array(0), before)).rejects.toThrow(/no key for this epoch/);
    stop();
  });

  it("a removed member opens nothing sent after the removal, and a device outside the group opens nothing at all", async () => {
    const [ann, bob, cat] = await groupOf(["ann", "bob", "cat"]);
    const catRing = await keyringOf(cat as MlsGroup);
    const removal = await (ann as MlsGroup).commitRemovingUsers(["cat"]);
    await removal.accept();
    await (bob as MlsGroup).process(removal.commit);
    const annRing = await keyringOf(ann as MlsGroup);
    const bobRing = await keyringOf(bob as MlsGroup);
    const sealed = await annRing.seal(CALL_CONTEXTS.video, new Uint8Array(0), frame("after cat left"));
    expect(read((await bobRing.open(new Uint8Array(0), sealed)).payload)).toBe("after cat left");
    await expect(catRing.open(new Uint8Array(0), sealed)).rejects.toThrow(/no key for this epoch/);

    const [stranger] = await groupOf(["dan", "eve"]);
    await newEpoch(stranger as MlsGroup, []);
    const strangerRing = await keyringOf(stranger as MlsGroup);
    expect(strangerRing.epoch).toBe(2n);
    await expect(strangerRing.open(new Uint8Array(0), sealed)).rejects.toThrow(/does not authenticate/);
  });
});
