#!/usr/bin/env node
// node scripts/production-secrets.mjs > production-secrets.json
// Fresh production values of the secrets the platform generates itself (docs/deploy.md):
// JWT_SIGNING_KEYS, MEDIA_URL_SIGNING_KEYS, OIDC_SIGNING_KEYS, PUSH_VAPID_PRIVATE_KEY and
// METRICS_TOKEN, as a JSON object for
// `npm run check:deploy -- --secrets-file` and `wrangler secret bulk`. Keep the file out of git.
import { generateKeyPairSync, randomBytes } from "node:crypto";

const kid = () => `${new Date().toISOString().slice(0, 10)}-${randomBytes(4).toString("hex")}`;
const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const secrets = {
  JWT_SIGNING_KEYS: JSON.stringify([{ ...privateKey.export({ format: "jwk" }), kid: kid(), alg: "ES256", use: "sig" }]),
  MEDIA_URL_SIGNING_KEYS: JSON.stringify([{ kid: kid(), secret: randomBytes(32).toString("base64url") }]),
  METRICS_TOKEN: randomBytes(32).toString("base64url"),
  OIDC_SIGNING_KEYS: JSON.stringify([
    { ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid: kid(), alg: "RS256", use: "sig" },
  ]),
  PUSH_VAPID_PRIVATE_KEY: JSON.stringify(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" })),
};
console.log(JSON.stringify(secrets, null, 2));
