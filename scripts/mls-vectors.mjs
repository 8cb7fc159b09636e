// Runs ts-mls (the MLS library of the e2ee module) against the RFC 9420 interoperability test
// vectors of the MLS working group (the `test-vectors/*.json` files of mls-implementations).
// The vectors are not part of this repository: pass the folder that holds them.
//
//   npm run test:mls-vectors -- <dir> [--suite 1] [--all-suites] [--verbose]
//
// Prints pass/fail per file and per case; exits 1 when any case of an interpreted file fails.
// By default only the platform's suite (1, MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519) runs;
// --all-suites tries every suite ts-mls can load here (the others need optional peer packages).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { getCiphersuiteFromId, getCiphersuiteNameFromId } from "ts-mls/crypto/ciphersuite.js";
import { getCiphersuiteImpl } from "ts-mls/crypto/getCiphersuiteImpl.js";
import { refhash } from "ts-mls/crypto/hash.js";
import { decryptWithLabel, encryptWithLabel } from "ts-mls/crypto/hpke.js";
import { deriveSecret, deriveTreeSecret, expandWithLabel } from "ts-mls/crypto/kdf.js";
import { signWithLabel, verifyWithLabel } from "ts-mls/crypto/signature.js";
import { decodeAuthenticatedContent } from "ts-mls/authenticatedContent.js";
import { joinGroup, makePskIndex } from "ts-mls/clientState.js";
import { decodeCommit, encodeCommit } from "ts-mls/commit.js";
import { determineLength } from "ts-mls/codec/variableLength.js";
import { encodeGroupContext } from "ts-mls/groupContext.js";
import { verifyGroupInfoConfirmationTag, verifyGroupInfoSignature } from "ts-mls/groupInfo.js";
import { decodeGroupSecrets, encodeGroupSecrets } from "ts-mls/groupSecrets.js";
import { initializeEpoch, mlsExporter } from "ts-mls/keySchedule.js";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";
import { defaultKeyRetentionConfig } from "ts-mls/keyRetentionConfig.js";
import { decodeMlsMessage, encodeMlsMessage } from "ts-mls/message.js";
import { computePskSecret } from "ts-mls/presharedkey.js";
import { processPrivateMessage, processPublicMessage } from "ts-mls/processMessages.js";
import {
  decodeAdd,
  decodeExternalInit,
  decodeGroupContextExtensions,
  decodePSK,
  decodeReinit,
  decodeRemove,
  decodeUpdate,
  encodeAdd,
  encodeExternalInit,
  encodeGroupContextExtensions,
  encodePSK,
  encodeReinit,
  encodeRemove,
  encodeUpdate,
} from "ts-mls/proposal.js";
import { decodeRatchetTree, encodeRatchetTree } from "ts-mls/ratchetTree.js";
import { createSecretTree, deriveKey, deriveNonce, ratchetUntil } from "ts-mls/secretTree.js";
import { expandSenderDataKey, expandSenderDataNonce } from "ts-mls/sender.js";
import { createConfirmedHash, createInterimHash } from "ts-mls/transcriptHash.js";
import { left, leafToNodeIndex, nodeWidth, parent, right, root, sibling, toLeafIndex, toNodeIndex } from "ts-mls/treemath.js";
import { bytesToBase64 } from "ts-mls/util/byteArray.js";
import { decryptGroupInfo, decryptGroupSecrets } from "ts-mls/welcome.js";

const PLATFORM_SUITE = 1;

const hex = (s) => Uint8Array.from(Buffer.from(s, "hex"));
const toHex = (b) => Buffer.from(b).toString("hex");

class Mismatch extends Error {}

function same(what, actual, expected) {
  const a = actual instanceof Uint8Array ? toHex(actual) : String(actual);
  const e = expected instanceof Uint8Array ? toHex(expected) : String(expected);
  if (a !== e) throw new Mismatch(`${what}: got ${a.slice(0, 32)}…, expected ${e.slice(0, 32)}…`);
}

function decoded(what, result) {
  if (result === undefined) throw new Mismatch(`${what} did not decode`);
  return result[0];
}

function mlsMessage(what, hexBytes, wireformat) {
  const message = decoded(what, decodeMlsMessage(hex(hexBytes), 0));
  if (wireformat && message.wireformat !== wireformat) throw new Mismatch(`${what} is ${message.wireformat}, not ${wireformat}`);
  return message;
}

/** Each interpreter takes one case (and its suite's implementation when the file is per suite). */
const interpreters = {
  "tree-math.json": {
    perSuite: false,
    async run(c) {
      same("n_nodes", nodeWidth(c.n_leaves), c.n_nodes);
      same("root", root(c.n_leaves), c.root);
      const relations = {
        left: (i) => left(toNodeIndex(i)),
        right: (i) => right(toNodeIndex(i)),
        parent: (i) => parent(toNodeIndex(i), c.n_leaves),
        sibling: (i) => sibling(toNodeIndex(i), c.n_leaves),
      };
      for (const [name, relation] of Object.entries(relations)) {
        for (const [i, expected] of c[name].entries()) {
          let actual = null;
          try {
            actual = relation(i);
          } catch {
            // The vectors write null where the relation does not exist (a leaf's child, the root's parent).
            actual = null;
          }
          same(`${name}[${i}]`, actual, expected);
        }
      }
    },
  },
  "crypto-basics.json": {
    perSuite: true,
    async run(c, cs) {
      same("ref_hash", await refhash(c.ref_hash.label, hex(c.ref_hash.value), cs.hash), hex(c.ref_hash.out));
      same("derive_secret", await deriveSecret(hex(c.derive_secret.secret), c.derive_secret.label, cs.kdf), hex(c.derive_secret.out));
      const t = c.derive_tree_secret;
      same("derive_tree_secret", await deriveTreeSecret(hex(t.secret), t.label, t.generation, cs.kdf.size, cs.kdf), hex(t.out));
      const x = c.expand_with_label;
      same("expand_with_label", await expandWithLabel(hex(x.secret), x.label, hex(x.context), x.length, cs.kdf), hex(x.out));
      const s = c.sign_with_label;
      same("verify_with_label(vector)", await verifyWithLabel(hex(s.pub), s.label, hex(s.content), hex(s.signature), cs.signature), true);
      const own = await signWithLabel(hex(s.priv), s.label, hex(s.content), cs.signature);
      same("verify_with_label(own signature)", await verifyWithLabel(hex(s.pub), s.label, hex(s.content), own, cs.signature), true);
      const e = c.encrypt_with_label;
      const priv = await cs.hpke.importPrivateKey(hex(e.priv));
      const pub = await cs.hpke.importPublicKey(hex(e.pub));
      const opened = await decryptWithLabel(priv, e.label, hex(e.context), hex(e.kem_output), hex(e.ciphertext), cs.hpke);
      same("decrypt_with_label(vector)", new Uint8Array(opened), hex(e.plaintext));
      const sealed = await encryptWithLabel(pub, e.label, hex(e.context), hex(e.plaintext), cs.hpke);
      const reopened = await decryptWithLabel(priv, e.label, hex(e.context), sealed.enc, sealed.ct, cs.hpke);
      same("decrypt_with_label(own ciphertext)", new Uint8Array(reopened), hex(e.plaintext));
    },
  },
  "secret-tree.json": {
    perSuite: true,
    async run(c, cs) {
      const sd = c.sender_data;
      same("sender_data key", await expandSenderDataKey(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)), hex(sd.key));
      same("sender_data nonce", await expandSenderDataNonce(cs, hex(sd.sender_data_secret), hex(sd.ciphertext)), hex(sd.nonce));
      const tree = await createSecretTree(c.leaves.length, hex(c.encryption_secret), cs.kdf);
      for (const [leaf, generations] of c.leaves.entries()) {
        const node = tree[leafToNodeIndex(toLeafIndex(leaf))];
        for (const g of generations) {
          for (const kind of ["handshake", "application"]) {
            const [ratcheted] = await ratchetUntil(node[kind], g.generation, defaultKeyRetentionConfig, cs.kdf);
            same(`leaf ${leaf} ${kind} key @${g.generation}`, await deriveKey(ratcheted.secret, ratcheted.generation, cs), hex(g[`${kind}_key`]));
            same(`leaf ${leaf} ${kind} nonce @${g.generation}`, await deriveNonce(ratcheted.secret, ratcheted.generation, cs), hex(g[`${kind}_nonce`]));
          }
        }
      }
    },
  },
  "key-schedule.json": {
    perSuite: true,
    async run(c, cs) {
      let initSecret = hex(c.initial_init_secret);
      for (const [index, epoch] of c.epochs.entries()) {
        const context = {
          version: "mls10",
          cipherSuite: getCiphersuiteNameFromId(c.cipher_suite),
          groupId: hex(c.group_id),
          epoch: BigInt(index),
          treeHash: hex(epoch.tree_hash),
          confirmedTranscriptHash: hex(epoch.confirmed_transcript_hash),
          extensions: [],
        };
        same(`epoch ${index} group_context`, encodeGroupContext(context), hex(epoch.group_context));
        const secrets = await initializeEpoch(initSecret, hex(epoch.commit_secret), context, hex(epoch.psk_secret), cs.kdf);
        const ks = secrets.keySchedule;
        const expected = {
          joiner_secret: secrets.joinerSecret,
          welcome_secret: secrets.welcomeSecret,
          encryption_secret: secrets.encryptionSecret,
          init_secret: ks.initSecret,
          sender_data_secret: ks.senderDataSecret,
          exporter_secret: ks.exporterSecret,
          external_secret: ks.externalSecret,
          confirmation_key: ks.confirmationKey,
          membership_key: ks.membershipKey,
          resumption_psk: ks.resumptionPsk,
          epoch_authenticator: ks.epochAuthenticator,
        };
        for (const [name, actual] of Object.entries(expected)) same(`epoch ${index} ${name}`, actual, hex(epoch[name]));
        const { publicKey } = await cs.hpke.deriveKeyPair(hex(epoch.external_secret));
        same(`epoch ${index} external_pub`, await cs.hpke.exportPublicKey(publicKey), hex(epoch.external_pub));
        const ex = epoch.exporter;
        same(`epoch ${index} exporter`, await mlsExporter(ks.exporterSecret, ex.label, hex(ex.context), ex.length, cs), hex(ex.secret));
        initSecret = ks.initSecret;
      }
    },
  },
  "psk_secret.json": {
    perSuite: true,
    async run(c, cs) {
      const psks = c.psks.map((p) => [{ psktype: "external", pskId: hex(p.psk_id), pskNonce: hex(p.psk_nonce) }, hex(p.psk)]);
      same("psk_secret", await computePskSecret(psks, cs), hex(c.psk_secret));
    },
  },
  "transcript-hashes.json": {
    perSuite: true,
    async run(c, cs) {
      const content = decoded("authenticated_content", decodeAuthenticatedContent(hex(c.authenticated_content), 0));
      if (content.content.contentType !== "commit") throw new Mismatch("authenticated_content is not a commit");
      const tag = content.auth.confirmationTag;
      same("confirmation tag", await cs.hash.verifyMac(hex(c.confirmation_key), tag, hex(c.confirmed_transcript_hash_after)), true);
      const input = { wireformat: content.wireformat, content: content.content, signature: content.auth.signature };
      const confirmed = await createConfirmedHash(hex(c.interim_transcript_hash_before), input, cs.hash);
      same("confirmed_transcript_hash_after", confirmed, hex(c.confirmed_transcript_hash_after));
      same("interim_transcript_hash_after", await createInterimHash(confirmed, tag, cs.hash), hex(c.interim_transcript_hash_after));
    },
  },
  "welcome.json": {
    perSuite: true,
    async run(c, cs) {
      const { welcome } = mlsMessage("welcome", c.welcome, "mls_welcome");
      const { keyPackage } = mlsMessage("key_package", c.key_package, "mls_key_package");
      const ref = await makeKeyPackageRef(keyPackage, cs.hash);
      const initKey = await cs.hpke.importPrivateKey(hex(c.init_priv));
      const secrets = await decryptGroupSecrets(initKey, ref, welcome, cs.hpke);
      if (!secrets) throw new Mismatch("group secrets did not decrypt with init_priv");
      const noPsk = new Uint8Array(cs.kdf.size);
      const info = await decryptGroupInfo(welcome, secrets.joinerSecret, noPsk, cs);
      if (!info) throw new Mismatch("group info did not decrypt");
      same("group info confirmation tag", await verifyGroupInfoConfirmationTag(info, secrets.joinerSecret, noPsk, cs), true);
      same("group info signature", await verifyGroupInfoSignature(info, hex(c.signer_pub), cs.signature), true);
    },
  },
  "messages.json": {
    perSuite: false,
    async run(c) {
      const wire = [
        "mls_welcome",
        "mls_group_info",
        "mls_key_package",
        "public_message_application",
        "public_message_proposal",
        "public_message_commit",
        "private_message",
      ];
      for (const field of wire) same(`${field} re-encoded`, encodeMlsMessage(mlsMessage(field, c[field])), hex(c[field]));
      const structs = {
        ratchet_tree: [decodeRatchetTree, encodeRatchetTree],
        group_secrets: [decodeGroupSecrets, encodeGroupSecrets],
        add_proposal: [decodeAdd, encodeAdd],
        update_proposal: [decodeUpdate, encodeUpdate],
        remove_proposal: [decodeRemove, encodeRemove],
        pre_shared_key_proposal: [decodePSK, encodePSK],
        re_init_proposal: [decodeReinit, encodeReinit],
        external_init_proposal: [decodeExternalInit, encodeExternalInit],
        group_context_extensions_proposal: [decodeGroupContextExtensions, encodeGroupContextExtensions],
        commit: [decodeCommit, encodeCommit],
      };
      for (const [field, [decode, encode]] of Object.entries(structs)) {
        same(`${field} re-encoded`, encode(decoded(field, decode(hex(c[field]), 0))), hex(c[field]));
      }
    },
  },
  "deserialization.json": {
    perSuite: false,
    async run(c) {
      same("vlbytes length", determineLength(hex(c.vlbytes_header), 0).length, c.length);
    },
  },
  "passive-client-welcome.json": { perSuite: true, run: passiveClient },
  "passive-client-handling-commit.json": { perSuite: true, run: passiveClient },
  "passive-client-random.json": { perSuite: true, run: passiveClient },
};

/** A client that joins by the vector's Welcome, then applies each epoch's proposals and commit. */
async function passiveClient(c, cs) {
  const { keyPackage } = mlsMessage("key_package", c.key_package, "mls_key_package");
  const { welcome } = mlsMessage("welcome", c.welcome, "mls_welcome");
  const privateKeys = { hpkePrivateKey: hex(c.encryption_priv), initPrivateKey: hex(c.init_priv), signaturePrivateKey: hex(c.signature_priv) };
  const tree = c.ratchet_tree ? decoded("ratchet_tree", decodeRatchetTree(hex(c.ratchet_tree), 0)) : undefined;
  const psks = Object.fromEntries(c.external_psks.map((p) => [bytesToBase64(hex(p.psk_id)), hex(p.psk)]));
  let state = await joinGroup(welcome, keyPackage, privateKeys, makePskIndex(undefined, psks), cs, tree);
  same("initial epoch_authenticator", state.keySchedule.epochAuthenticator, hex(c.initial_epoch_authenticator));
  for (const [index, epoch] of c.epochs.entries()) {
    for (const bytes of [...epoch.proposals, epoch.commit]) {
      const message = mlsMessage(`epoch ${index} message`, bytes);
      const result =
        message.wireformat === "mls_private_message"
          ? await processPrivateMessage(state, message.privateMessage, makePskIndex(state, psks), cs)
          : await processPublicMessage(state, message.publicMessage, makePskIndex(state, psks), cs);
      state = result.newState;
    }
    same(`epoch ${index} epoch_authenticator`, state.keySchedule.epochAuthenticator, hex(epoch.epoch_authenticator));
  }
}

function parseArgs(argv) {
  const options = { dir: undefined, suites: [PLATFORM_SUITE], allSuites: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--suite") options.suites = [Number(argv[++i])];
    else if (arg === "--all-suites") options.allSuites = true;
    else if (arg === "--verbose") options.verbose = true;
    else options.dir = arg;
  }
  return options;
}

async function loadSuite(id, cache) {
  if (!cache.has(id)) {
    cache.set(
      id,
      getCiphersuiteImpl(getCiphersuiteFromId(id)).then(
        (impl) => ({ impl }),
        (error) => ({ error: String(error?.message ?? error).split("\n")[0] }),
      ),
    );
  }
  return cache.get(id);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!options.dir) {
    console.error("usage: npm run test:mls-vectors -- <folder with the RFC 9420 test-vector JSON files> [--suite N | --all-suites] [--verbose]");
    process.exit(2);
  }
  const dir = existsSync(path.join(options.dir, "test-vectors")) ? path.join(options.dir, "test-vectors") : options.dir;
  const suites = new Map();
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const files = [
    "tree-math.json",
    "crypto-basics.json",
    "secret-tree.json",
    "key-schedule.json",
    "psk_secret.json",
    "transcript-hashes.json",
    "welcome.json",
    "messages.json",
    "deserialization.json",
    "passive-client-welcome.json",
    "passive-client-handling-commit.json",
    "passive-client-random.json",
    "message-protection.json",
    "tree-operations.json",
    "tree-validation.json",
    "treekem.json",
  ];
  for (const file of files) {
    const full = path.join(dir, file);
    if (!existsSync(full)) {
      console.log(`${file}: missing from ${dir}`);
      continue;
    }
    const interpreter = interpreters[file];
    const cases = JSON.parse(readFileSync(full, "utf8"));
    if (!interpreter) {
      console.log(`${file}: NOT INTERPRETED by this runner (${cases.length} cases)`);
      continue;
    }
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const skippedSuites = new Map();
    for (const [index, c] of cases.entries()) {
      let impl;
      if (interpreter.perSuite) {
        if (!options.allSuites && !options.suites.includes(c.cipher_suite)) {
          counts.skipped++;
          continue;
        }
        const loaded = await loadSuite(c.cipher_suite, suites);
        if (loaded.error) {
          skippedSuites.set(c.cipher_suite, loaded.error);
          counts.skipped++;
          continue;
        }
        impl = loaded.impl;
      }
      const label = `${file} #${index}${interpreter.perSuite ? ` (suite ${c.cipher_suite})` : ""}`;
      try {
        await interpreter.run(c, impl);
        counts.passed++;
        if (options.verbose) console.log(`  pass ${label}`);
      } catch (error) {
        counts.failed++;
        console.log(`  FAIL ${label}: ${error instanceof Mismatch ? error.message : `threw ${error?.message ?? error}`}`);
      }
    }
    const skipped = counts.skipped
      ? `, ${counts.skipped} skipped (other suites${skippedSuites.size ? `; not loadable here: ${[...skippedSuites.keys()].join(", ")}` : ""})`
      : "";
    console.log(`${file}: ${counts.passed} passed, ${counts.failed} failed${skipped}`);
    for (const key of Object.keys(totals)) totals[key] += counts[key];
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed ? 1 : 0);
}

await main();
