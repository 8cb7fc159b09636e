import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, testPort } from "../../bench/lib/dev-server.mjs";
import { createPlatformClient, ok, type PlatformClient } from "../../client";
import {
  decryptBackup,
  decryptFile,
  encryptBackup,
  encryptFile,
  MemoryE2eeStore,
  MlsDevice,
  type MlsGroup,
  newRecoveryKey,
  platformE2eeServer,
} from "../../client/e2ee";

/**
 * The e2ee client library in Node against a real `wrangler dev`: devices register, key packages
 * are uploaded and claimed through the server (which checks each with ts-mls in workerd), and
 * three devices of two users talk in one MLS group. The room does not carry MLS messages yet:
 * here the test hands commits and Welcomes from device to device in the order a room would.
 */
const PORT = testPort(8970);
let server: DevServer;

beforeAll(async () => {
  server = await startDevServer({ port: PORT, name: "e2ee-client", vars: { STUN_URLS: "" } });
}, 420_000);

afterAll(async () => {
  await server?.stop();
}, 30_000);

let counter = 0;

interface Person {
  userId: string;
  email: string;
  password: string;
}

async function signUp(name: string): Promise<Person & { client: PlatformClient }> {
  const client = createPlatformClient({ baseUrl: server.url });
  const email = `${name}-${Date.now()}-${counter++}@example.com`;
  const password = `a long passphrase ${Math.random()}`;
  const { user } = await client.register({ email, password, displayName: name });
  return { client, userId: (user as { id: string }).id, email, password };
}

/** Another signed-in browser of the same person: a new session, so a new MLS device. */
async function signIn(person: Person): Promise<PlatformClient> {
  const client = createPlatformClient({ baseUrl: server.url });
  await client.login({ email: person.email, password: person.password });
  return client;
}

async function deviceOf(client: PlatformClient, userId: string): Promise<MlsDevice> {
  const device = await MlsDevice.open({ userId, server: platformE2eeServer(client), store: new MemoryE2eeStore() });
  await device.refillKeyPackages({ target: 5, threshold: 5 });
  return device;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("the e2ee client library against the server", () => {
  it("two users, one with two devices, talk in an encrypted group; a removed member cannot read on; a new device reads from its joining on", async () => {
    const ann = await signUp("ann");
    const bob = await signUp("bob");
    const annPhone = await deviceOf(ann.client, ann.userId);
    const annLaptopClient = await signIn(ann);
    const annLaptop = await deviceOf(annLaptopClient, ann.userId);
    const bobPhone = await deviceOf(bob.client, bob.userId);
    const chat = await ok(ann.client.api.v1.chats.$post({ json: { type: "group", title: "family", memberIds: [bob.userId] } }));

    // Ann's phone starts the group and adds every other device of the members: bob's, and her laptop.
    const groups = new Map<MlsDevice, MlsGroup>();
    const annPhoneGroup = await annPhone.createGroup(chat.id);
    groups.set(annPhone, annPhoneGroup);
    const added = await annPhoneGroup.commitAddingUsers([bob.userId, ann.userId]);
    expect(added.welcome).toBeDefined();
    await added.accept();
    groups.set(bobPhone, await bobPhone.joinGroup(added.welcome as Uint8Array));
    groups.set(annLaptop, await annLaptop.joinGroup(added.welcome as Uint8Array));
    expect(
      annPhoneGroup
        .members()
        .map((m) => m.deviceId)
        .sort(),
    ).toEqual([annPhone.deviceId, annLaptop.deviceId, bobPhone.deviceId].sort());

    // The claims spent one package of each added device: the server says so.
    expect((await ok(bob.client.api.v1.e2ee["key-packages"].$get())).remaining).toBe(4);

    const hello = await annPhoneGroup.encrypt({ text: "dinner at eight" }, { mentions: [bob.userId] });
    expect(text(hello)).not.toContain("dinner");
    for (const device of [bobPhone, annLaptop]) {
      const read = await groups.get(device)?.process(hello);
      expect(read).toMatchObject({
        kind: "message",
        payload: { text: "dinner at eight", from: `${ann.userId}:${annPhone.deviceId}` },
        metadata: { mentions: [bob.userId] },
      });
    }
    const reply = await groups.get(bobPhone)?.encrypt({ text: "see you" }, { replyTo: "message-1" });
    expect(await annPhoneGroup.process(reply as Uint8Array)).toMatchObject({
      kind: "message",
      payload: { text: "see you" },
      metadata: { replyTo: "message-1" },
    });

    // Every member derives the same call key for this epoch.
    const callKey = await annPhoneGroup.exportSecret("SFrame 1.0 Base Key", new Uint8Array(), 16);
    expect(await groups.get(annLaptop)?.exportSecret("SFrame 1.0 Base Key", new Uint8Array(), 16)).toEqual(callKey);

    // Bob is removed: his phone processes the commit, then cannot read what follows.
    const removal = await annPhoneGroup.commitRemovingUsers([bob.userId]);
    await removal.accept();
    await groups.get(annLaptop)?.process(removal.commit);
    await groups.get(bobPhone)?.process(removal.commit);
    const afterRemoval = await annPhoneGroup.encrypt({ text: "bob must not read this" });
    expect(await groups.get(annLaptop)?.process(afterRemoval)).toMatchObject({ payload: { text: "bob must not read this" } });
    await expect(groups.get(bobPhone)?.process(afterRemoval) as Promise<unknown>).rejects.toThrow();
    expect(await annPhoneGroup.exportSecret("SFrame 1.0 Base Key", new Uint8Array(), 16)).not.toEqual(callKey);

    // Ann signs in on a tablet: it joins and reads from then on, not what came before.
    const annTablet = await deviceOf(await signIn(ann), ann.userId);
    const tabletAdded = await annPhoneGroup.commitAddingUsers([ann.userId]);
    await tabletAdded.accept();
    await groups.get(annLaptop)?.process(tabletAdded.commit);
    const tabletGroup = await annTablet.joinGroup(tabletAdded.welcome as Uint8Array);
    await expect(tabletGroup.process(afterRemoval)).rejects.toThrow();
    const welcomeBack = await groups.get(annLaptop)?.encrypt({ text: "hi tablet" });
    expect(await tabletGroup.process(welcomeBack as Uint8Array)).toMatchObject({ payload: { text: "hi tablet" } });
    expect(await annPhoneGroup.process(welcomeBack as Uint8Array)).toMatchObject({ payload: { text: "hi tablet" } });

    // A group reopened from the store goes on where it was.
    const reopened = await annPhone.group(chat.id);
    expect(reopened?.epoch).toBe(annPhoneGroup.epoch);
  });

  it("a device of a session that ends is gone from the user's device list, and its packages are not handed out", async () => {
    const ann = await signUp("ann");
    const bob = await signUp("bob");
    await ok(ann.client.api.v1.chats.$post({ json: { type: "direct", userId: bob.userId } }));
    const bobLaptopClient = await signIn(bob);
    await deviceOf(bob.client, bob.userId);
    const laptop = await deviceOf(bobLaptopClient, bob.userId);
    await bobLaptopClient.logout();
    const devices = await platformE2eeServer(ann.client).devicesOf(bob.userId);
    expect(devices.items.map((d) => d.id)).not.toContain(laptop.deviceId);
    const claimed = await platformE2eeServer(ann.client).claimKeyPackages([bob.userId]);
    expect(claimed.items.map((i) => i.deviceId)).not.toContain(laptop.deviceId);
    expect(claimed.items).toHaveLength(1);
  });

  it("a file is encrypted under a fresh key, and a key backup only opens with its recovery key", async () => {
    const bytes = new TextEncoder().encode("the family photo, in bytes");
    const first = await encryptFile(bytes, { name: "photo.jpg", type: "image/jpeg" });
    const second = await encryptFile(bytes);
    expect(text(first.ciphertext)).not.toContain("family photo");
    expect(first.key.key).not.toBe(second.key.key);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
    expect(new TextDecoder().decode(await decryptFile(first.ciphertext, first.key))).toBe("the family photo, in bytes");
    await expect(decryptFile(first.ciphertext, second.key)).rejects.toThrow();

    const ann = await signUp("ann");
    const recoveryKey = newRecoveryKey();
    const blob = await encryptBackup(recoveryKey, new TextEncoder().encode("history of ann"));
    await ok(ann.client.api.v1.e2ee["key-backup"].$put({ json: { replaces: 0, blob } }));
    const stored = await ok(ann.client.api.v1.e2ee["key-backup"].$get());
    expect(new TextDecoder().decode(await decryptBackup(recoveryKey, stored.blob))).toBe("history of ann");
    await expect(decryptBackup(newRecoveryKey(), stored.blob)).rejects.toThrow();
  });
});
