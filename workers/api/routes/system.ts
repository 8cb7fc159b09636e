import { createRoute, z } from "@hono/zod-openapi";
import { pingDatabase } from "../../../shared/db/records";
import { queueHealth } from "../../../shared/observability/queue-health";
import { signingKeyring } from "../../../shared/identity/tokens/signing-keys";
import { publishedOidcKeys } from "../../../shared/oauth/keys";
import { jsonResponse } from "../../../shared/http/openapi";
import { createRouter } from "../context";

const tags = ["platform"];

const ReadySchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  checks: z.object({ d1: z.boolean(), r2: z.boolean() }),
  queue: z
    .object({
      backlogAgeSeconds: z
        .number()
        .nullable()
        .openapi({ description: "Age of the oldest job the consumer received in the last minute it ran; null if it has not run this hour" }),
      lastConsumedAt: z.string().nullable(),
      deadLettersLastHour: z.number().int(),
    })
    .nullable()
    .openapi({ description: "The JOBS queue; null when D1 is unreachable" }),
  replica: z
    .object({
      maxLagMs: z.number().openapi({ description: "REPLICA_MAX_LAG_MS" }),
      readsGoTo: z.enum(["primary", "replica"]).openapi({ description: "Where replica-eligible reads (the session check) go now in this isolate" }),
      lagMs: z.number().nullable().openapi({ description: "The lag just measured (the nearest replica behind the primary); null when the probe failed" }),
      servedByPrimary: z.boolean().nullable(),
      region: z.string().nullable().openapi({ description: "The D1 region of the copy that answered, when D1 says" }),
      measuredAt: z.string().nullable(),
    })
    .nullable()
    .openapi({ description: "Read replicas (docs/latency.md#replica-lag); null unless AUTH_SESSION_READS=replica" }),
});

const JwksSchema = z.object({ keys: z.array(z.object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() }).passthrough()) }).openapi("JWKS");

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

export const systemRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags,
      summary: "Liveness",
      responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "The Worker answers") },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/ready",
      tags,
      summary: "Readiness: D1 and R2 reachable; the queue's backlog age and dead letters of the last hour",
      responses: { 200: jsonResponse(ReadySchema, "Ready"), 503: jsonResponse(ReadySchema, "A dependency is unreachable") },
    }),
    async (c) => {
      const [d1, r2] = await Promise.all([reachable(() => pingDatabase(c.get("deps").db)), reachable(() => c.get("deps").files.head("__readiness_probe__"))]);
      const ok = d1 && r2;
      const deps = c.get("deps");
      const now = deps.clock.now();
      const [queue, replica] = await Promise.all([
        d1 ? queueHealth(deps, Date.now()).catch(() => null) : null,
        // The readiness check measures afresh, so it reports the lag of now, not of the last probe.
        d1 && deps.config.auth.sessionReads === "replica" ? deps.replicaReads.probe(now).then(() => deps.replicaReads.health(now)) : null,
      ]);
      return c.json({ status: ok ? ("ok" as const) : ("unavailable" as const), checks: { d1, r2 }, queue, replica }, ok ? 200 : 503);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/.well-known/jwks.json",
      tags: ["identity"],
      summary: "Public keys that verify access tokens",
      description:
        "ES256 keys (platform access tokens) and RS256 keys (ID tokens and app access tokens of the OpenID Connect provider, docs/sso.md) by `kid`. During a key rotation both the new and the old key are listed.",
      responses: { 200: jsonResponse(JwksSchema, "JSON Web Key Set") },
    }),
    async (c) => {
      const { config } = c.get("deps");
      const [{ keys }, oidcKeys] = await Promise.all([signingKeyring(config.jwt.signingKeys), publishedOidcKeys(config.oauth.signingKeys)]);
      c.header("cache-control", "public, max-age=300");
      return c.json({ keys: [...keys, ...oidcKeys] } as z.infer<typeof JwksSchema>, 200);
    },
  );
