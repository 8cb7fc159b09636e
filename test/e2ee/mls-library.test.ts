// What the platform relies on in ts-mls, checked where the server runs it (workerd) without the
// RFC 9420 vector files (they are not in this repository: `npm run test:mls-vectors -- <dir>`
// runs them; docs/e2ee.md records the results). Suite 1 throughout: the platform's one suite.
import {
  type CiphersuiteImpl,
  type ClientState,
  type Credential,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  type KeyPackage,
  mlsExporter,
  type PrivateKeyPackage,
  processPrivateMessage,
  processPublicMessage,
} from "ts-mls";
import { verifyKeyPackage } from "ts-mls/keyPackage.js";
import { beforeAll, describe, expect, it } from "vitest";

const SUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";
const text = new TextEncoder();
let cs: CiphersuiteImpl;

beforeAll(async () => {
  cs = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE));
});

type Member = { name: string; publicPackage: KeyPackage; privatePackage: PrivateKeyPackage; state?: ClientState };

async function member(name: string): Promise<Member> {
  const credential: Credential = { credentialType: "basic", identity: text.encode(name) };
  return { name, ...(await generateKeyPackage(credential, defaultCapabilities(), defaultLifetime, [], cs)) };
}

function wire(bytes: Uint8Array) {
  const decoded = decodeMlsMessage(bytes, 0);
  if (!decoded) throw new Error("not an MLS message");
  return decoded[0];
}

/** Applies a commit (sent as PublicMessage, as the platform requires) to a member's state. */
async function applyCommit(m: Member, commit: Uint8Array) {
  const message = wire(commit);
  if (message.wireformat !== "mls_public_message") throw new Error("commit is not a PublicMessage");
  m.state = (await processPublicMessage(m.state as ClientState, message.publicMessage, emptyPskIndex, cs)).newState;
}

async function join(m: Member, welcomeBytes: Uint8Array) {
  const message = wire(welcomeBytes);
  if (message.wireformat !== "mls_welcome") throw new Error("not a welcome");
  m.state = await joinGroup(message.welcome, m.publicPackage, m.privatePackage, emptyPskIndex, cs);
}

async function send(from: Member, body: string) {
  const { privateMessage, newState } = await createApplicationMessage(from.state as ClientState, text.encode(body), cs);
  from.state = newState;
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_private_message", privateMessage });
}

async function read(to: Member, bytes: Uint8Array) {
  const message = wire(bytes);
  if (message.wireformat !== "mls_private_message") throw new Error("not a PrivateMessage");
  const result = await processPrivateMessage(to.state as ClientState, message.privateMessage, emptyPskIndex, cs);
  to.state = result.newState;
  if (result.kind !== "applicationMessage") throw new Error("not an application message");
  return new TextDecoder().decode(result.message);
}

/** ann creates a group and adds the others in one commit; everyone is at epoch 1. */
async function groupOf<const N extends readonly string[]>(...names: N): Promise<{ [K in keyof N]: Member }> {
  const all = await Promise.all(names.map(member));
  const creator = all[0] as Member;
  const others = all.slice(1);
  creator.state = await createGroup(text.encode("chat-1"), creator.publicPackage, creator.privatePackage, [], cs);
  const added = await createCommit(
    { state: creator.state, cipherSuite: cs },
    {
      wireAsPublicMessage: true,
      ratchetTreeExtension: true,
      extraProposals: others.map((o) => ({ proposalType: "add" as const, add: { keyPackage: o.publicPackage } })),
    },
  );
  creator.state = added.newState;
  const welcome = encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: added.welcome! });
  for (const o of others) await join(o, welcome);
  return all as { [K in keyof N]: Member };
}

describe("ts-mls in workerd, suite 1", () => {
  it("a key package travels as bytes and its signature verifies; a flipped byte does not", async () => {
    const ann = await member("user-ann:device-1");
    const bytes = encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: ann.publicPackage });
    const decoded = wire(bytes);
    if (decoded.wireformat !== "mls_key_package") throw new Error("not a key package");
    expect(await verifyKeyPackage(decoded.keyPackage, cs.signature)).toBe(true);
    expect(decoded.keyPackage.cipherSuite).toBe(SUITE);
    const credential = decoded.keyPackage.leafNode.credential;
    expect(credential.credentialType === "basic" && new TextDecoder().decode(credential.identity)).toBe("user-ann:device-1");
    const tampered = { ...decoded.keyPackage, signature: decoded.keyPackage.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(await verifyKeyPackage(tampered, cs.signature)).toBe(false);
  });

  it("three members added by one commit read each other's messages; the ciphertext holds no text", async () => {
    const [ann, bob, cat] = await groupOf("ann", "bob", "cat");
    const sealed = await send(ann, "dinner at eight");
    expect(Buffer.from(sealed).includes(Buffer.from("dinner"))).toBe(false);
    expect(await read(bob, sealed)).toBe("dinner at eight");
    expect(await read(cat, sealed)).toBe("dinner at eight");
    expect(await read(ann, await send(cat, "yes"))).toBe("yes");
  });

  it("the room can read a commit's group, epoch and sender without any key (PublicMessage)", async () => {
    const [ann, bob] = await groupOf("ann", "bob");
    const commit = await createCommit({ state: ann.state as ClientState, cipherSuite: cs }, { wireAsPublicMessage: true });
    const message = wire(encodeMlsMessage(commit.commit));
    if (message.wireformat !== "mls_public_message") throw new Error("not public");
    const content = message.publicMessage.content;
    expect(new TextDecoder().decode(content.groupId)).toBe("chat-1");
    expect(content.epoch).toBe(1n);
    expect(content.contentType).toBe("commit");
    expect(content.sender).toEqual({ senderType: "member", leafIndex: 0 });
    await applyCommit(bob, encodeMlsMessage(commit.commit));
    expect(bob.state?.groupContext.epoch).toBe(2n);
  });

  it("of two commits for the same epoch only the first applies: the second is refused by members", async () => {
    const [ann, bob, cat] = await groupOf("ann", "bob", "cat");
    const fromAnn = await createCommit({ state: ann.state as ClientState, cipherSuite: cs }, { wireAsPublicMessage: true });
    const fromBob = await createCommit({ state: bob.state as ClientState, cipherSuite: cs }, { wireAsPublicMessage: true });
    await applyCommit(cat, encodeMlsMessage(fromAnn.commit));
    await applyCommit(bob, encodeMlsMessage(fromAnn.commit));
    await expect(applyCommit(cat, encodeMlsMessage(fromBob.commit))).rejects.toThrow();
    expect(cat.state?.groupContext.epoch).toBe(2n);
  });

  it("a removed member cannot decrypt what is sent after the removal", async () => {
    const [ann, bob, cat] = await groupOf("ann", "bob", "cat");
    const removal = await createCommit(
      { state: ann.state as ClientState, cipherSuite: cs },
      { wireAsPublicMessage: true, extraProposals: [{ proposalType: "remove", remove: { removed: 2 } }] },
    );
    ann.state = removal.newState;
    const commit = encodeMlsMessage(removal.commit);
    await applyCommit(bob, commit);
    await applyCommit(cat, commit); // cat learns she is out; her state is no longer active
    const after = await send(ann, "cat must not read this");
    expect(await read(bob, after)).toBe("cat must not read this");
    await expect(read(cat, after)).rejects.toThrow();
  });

  it("a device that joins later does not read what was sent before it joined", async () => {
    const [ann, bob] = await groupOf("ann", "bob");
    const before = await send(ann, "before you came");
    await read(bob, before);
    const dan = await member("dan");
    const added = await createCommit(
      { state: ann.state as ClientState, cipherSuite: cs },
      { wireAsPublicMessage: true, ratchetTreeExtension: true, extraProposals: [{ proposalType: "add", add: { keyPackage: dan.publicPackage } }] },
    );
    ann.state = added.newState;
    await applyCommit(bob, encodeMlsMessage(added.commit));
    await join(dan, encodeMlsMessage({ version: "mls10", wireformat: "mls_welcome", welcome: added.welcome! }));
    await expect(read(dan, before)).rejects.toThrow();
    expect(await read(dan, await send(bob, "welcome dan"))).toBe("welcome dan");
  });

  it("every member derives the same exporter secret (call keys) and it changes with the epoch", async () => {
    const [ann, bob] = await groupOf("ann", "bob");
    const exporter = (m: Member) => mlsExporter((m.state as ClientState).keySchedule.exporterSecret, "SFrame 1.0 Base Key", new Uint8Array(), 16, cs);
    const epoch1 = await exporter(ann);
    expect(await exporter(bob)).toEqual(epoch1);
    const commit = await createCommit({ state: ann.state as ClientState, cipherSuite: cs }, { wireAsPublicMessage: true });
    ann.state = commit.newState;
    await applyCommit(bob, encodeMlsMessage(commit.commit));
    const epoch2 = await exporter(bob);
    expect(await exporter(ann)).toEqual(epoch2);
    expect(epoch2).not.toEqual(epoch1);
  });
});
