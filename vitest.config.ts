import { generateKeyPairSync } from "node:crypto";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type Plugin } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { buildWeb } from "./scripts/build-web.mjs";

function testSigningKey(kid: string) {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" };
}

// The plugin reads wrangler.toml through wrangler, which would print "Using secrets defined in
// .dev.vars" once per test file; warnings and errors still show.
process.env.WRANGLER_LOG ??= "warn";

/** The video module's Stream signing key for tests (RS256), and its public half to verify tokens with. */
function testVideoSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateJwk: JSON.stringify({ ...privateKey.export({ format: "jwk" }), kid: "test-stream-key", alg: "RS256" }),
    publicJwk: JSON.stringify({ ...publicKey.export({ format: "jwk" }), kid: "test-stream-key", alg: "RS256" }),
  };
}

/** The VAPID key pair of Web Push in tests (a P-256 private JWK; the public half is derived from it). */
function testVapidKey() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return JSON.stringify(privateKey.export({ format: "jwk" }));
}

/** A Google service account for the fake FCM (tests check the OAuth assertion with its public half). */
function testFcmServiceAccount() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    account: JSON.stringify({
      type: "service_account",
      project_id: "edge-platform-test",
      client_email: "push@edge-platform-test.iam.gserviceaccount.com",
      private_key: privateKey.export({ format: "pem", type: "pkcs8" }),
      token_uri: "https://oauth2.fake-google.test/token",
    }),
    publicJwk: JSON.stringify(publicKey.export({ format: "jwk" })),
  };
}

/**
 * oauth4webapi publishes build/index.js with a source map whose one source (../src/index.ts) it
 * does not publish, so vite warned "Sourcemap ... points to missing source files" in every run
 * that loads it (the workerd pool runs every dependency through vite). ts-mls does the same for
 * every file of dist/src (its maps name ../../src/*.ts). Loaded without its sourceMappingURL, a
 * file maps to itself. No option of vite or vitest turns that check off for one package; this
 * touches no other file, so other packages' warnings still show.
 */
function oauth4webapiWithoutUnpublishedSources(): Plugin {
  const builds = [/[\\/]node_modules[\\/]oauth4webapi[\\/]build[\\/]index\.js$/, /[\\/]node_modules[\\/]ts-mls[\\/]dist[\\/]src[\\/].+\.js$/];
  return {
    name: "oauth4webapi-without-unpublished-sources",
    enforce: "pre",
    async load(id) {
      if (!builds.some((build) => build.test(id))) return null;
      const code = await readFile(id, "utf8");
      return { code: code.replace(/\n\/\/# sourceMappingURL=[\w.-]+\.js\.map\s*$/, "\n"), map: null };
    },
  };
}

/**
 * The realtime Worker's bindings (wrangler.toml names them with `script_name`), pointed at the
 * classes test/runtime-entry.ts exports from the runner itself.
 */
const REALTIME_OBJECTS_IN_RUNNER = Object.fromEntries(
  [
    ["USER_HUB", "UserHub"],
    ["CHAT_ROOM", "ChatRoom"],
    ["CHAT_FANOUT", "ChatFanout"],
    ["CALL_SESSION", "CallSession"],
    ["CALL_ROOM", "CallRoom"],
  ].map(([binding, className]) => [binding, { className, useSQLite: true }]),
);

/**
 * Starts the files that take longest first, so no long file starts last and runs alone at the end.
 * vitest's own order runs the projects one after another by name, and within one the files it
 * timed before by that time, the others by size: on a fresh checkout the shared runtime's many
 * short files went first and the files with runtimes of their own (the longest: a runtime to start,
 * and the jobs board's searches) came last. Those now come first, then the dev-server files (each
 * starts `wrangler dev`), then the shared runtime's, each group in vitest's order.
 */
class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (name: string) => ["workers-own-storage", "workers-sfu", "dev-server"].indexOf(name) >>> 0;
    const sorted = await super.sort(files);
    return sorted
      .map((file, index) => ({ file, index }))
      .sort((a, b) => rank(a.file.project.name) - rank(b.file.project.name) || a.index - b.index)
      .map(({ file }) => file);
  }
}

/**
 * vitest's connection to a workerd file closes when the file's tests end. A call the runtime still
 * had outstanding on it then, from background work of the file (a queue batch, a sync, a socket
 * closing), is rejected with "Closing rpc while "<call>" was pending", and vitest counts it as an
 * error of the run although every test passed. Two such calls are seen here: "resolve" (a module
 * the runner had not resolved yet; 7 of 18 runs, after test/chat/fanout.test.ts, not traced to one
 * import: test/setup.ts loads the Worker's lazy modules up front) and "onUserConsoleLog" (a log
 * line of that work on its way to the reporter; CI, after test/chat/forward.test.ts). Deployed
 * Workers neither resolve modules at run time nor report logs to vitest. Those two messages are
 * dropped; every other unhandled error, teardown errors of other calls included, fails the run.
 */
const HARNESS_CALLS_AT_TEARDOWN = ['Closing rpc while "resolve" was pending', 'Closing rpc while "onUserConsoleLog" was pending'];
function reportUnlessHarnessCallAtTeardown(error: { name?: string; message?: string }): boolean {
  return !(error?.name === "EnvironmentTeardownError" && HARNESS_CALLS_AT_TEARDOWN.some((call) => error.message?.includes(call)));
}

export default defineConfig(async () => {
  // wrangler.toml serves web/dist as static assets: it must exist (and be current) for every project.
  await buildWeb();
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  const videoKey = testVideoSigningKey();
  const fcm = testFcmServiceAccount();
  // The workerd projects: every test except the Node ones below, inside the Workers runtime.
  const runtime = (extraBindings: Record<string, string> = {}) => [
    oauth4webapiWithoutUnpublishedSources(),
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      // The API Worker's entry with the realtime Worker's objects beside it (test/runtime-entry.ts).
      main: "./test/runtime-entry.ts",
      miniflare: {
        durableObjects: REALTIME_OBJECTS_IN_RUNNER,
        bindings: {
          TEST_MIGRATIONS: migrations,
          ENVIRONMENT: "test",
          // Phone sign-in is off by default; tests sign in by SMS code (from the dev outbox).
          PHONE_SIGN_IN: "true",
          // Tests bring their own keys so they never depend on a developer's .dev.vars.
          JWT_SIGNING_KEYS: JSON.stringify([testSigningKey("test-current")]),
          TEST_NEXT_SIGNING_KEY: JSON.stringify(testSigningKey("test-next")),
          // The OpenID Connect provider's RS256 key (ID tokens and app access tokens).
          OIDC_SIGNING_KEYS: JSON.stringify([
            { ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }), kid: "test-oidc", alg: "RS256" },
          ]),
          // Small enough that tests reach the group size limit quickly.
          CHAT_MAX_GROUP_MEMBERS: "5",
          // Small enough that tests reach the storage quota and the avatar limit quickly.
          MEDIA_QUOTA_BYTES: "24000000",
          MEDIA_MAX_BYTES: "avatar=1048576,image=2000000",
          RATE_LIMIT_UPLOADS_PER_USER: "25/3600",
          // Small enough that tests reach the per-user AI budget of the jobs board quickly.
          RATE_LIMIT_JOBS_AI_PER_USER: "6/3600",
          MEDIA_URL_SIGNING_KEYS: JSON.stringify([{ kid: "test-media", secret: "test-media-url-signing-secret-0123456789" }]),
          // The public origin every handed-out URL is built on: the host the tests' requests name.
          APP_BASE_URL: "http://platform.test",
          // The scrapers' bearer for GET /metrics.
          METRICS_TOKEN: "test-metrics-token",
          // studio generation: the fake AI provider's credential (a Worker secret named by the provider's secretRef).
          STUDIO_SECRET_FAKE: "fake-provider-secret-5f0c2a9e7d",
          // video: the Stream signing key and webhook secret (tests verify with the public half).
          VIDEO_SIGNING_KEY: videoKey.privateJwk,
          TEST_VIDEO_SIGNING_PUBLIC_KEY: videoKey.publicJwk,
          VIDEO_WEBHOOK_SECRET: "test-stream-webhook-secret",
          // The local emulation is ready at once: tests drive processing with webhooks, not the check job.
          VIDEO_CHECK_DELAY_SECONDS: "120",
          // Polls at once and a short provider timeout, so the generation tests run in seconds.
          STUDIO_POLL_INTERVAL_SECONDS: "0",
          STUDIO_PROVIDER_TIMEOUT_SECONDS: "1",
          // push: the VAPID key and an FCM service account; the local push service and fake FCM
          // answer at https:// names, so the production endpoint rules apply (no PUSH_ALLOW_INSECURE_ENDPOINTS).
          PUSH_VAPID_PRIVATE_KEY: testVapidKey(),
          PUSH_FCM_SERVICE_ACCOUNT: fcm.account,
          TEST_FCM_PUBLIC_KEY: fcm.publicJwk,
          // Retries at once, so the 429/5xx tests run in seconds.
          PUSH_RETRY_BASE_SECONDS: "0",
          ...extraBindings,
        },
      },
    }),
  ];
  const workerd = { setupFiles: ["./test/setup.ts"], testTimeout: 30_000, hookTimeout: 30_000 };
  // "zod" as the Workers' bundles resolve it (the [alias] of wrangler.toml), so the tests run the same module.
  const zodAsBundled = { resolve: { alias: [{ find: /^zod$/, replacement: path.join(import.meta.dirname, "shared", "zod-without-locales.ts") }] } };
  // Group calls with an SFU configured: a runtime of their own (workersSfu below).
  const sfuFiles = ["test/calls/group-calls-sfu.test.ts"];
  // Files that empty or rewrite a whole table (the jobs board's search tests clear every vacancy,
  // the video tests every fake upload, a studio test the prompt index) or read a platform-wide
  // figure: each gets a runtime and storage of its own, as every file used to.
  const ownStorage = [
    "test/jobs-board/**/*.test.ts",
    "test/security/search-*.test.ts",
    "test/video/processing.test.ts",
    "test/video/stream-host.test.ts",
    "test/studio/library.test.ts",
    // /ready's queue figures and /metrics' counters are the whole platform's: another file's jobs
    // and requests would move them between a test's two readings.
    "test/observability/ready.test.ts",
    "test/observability/metrics.test.ts",
    "test/calls/quality.test.ts",
    // A backup lists every table and object: another file writing meanwhile would change what it compares.
    "test/platform/backup.test.ts",
    // Queued jobs that call a fake of the outside world (push services, FCM, AI providers) which
    // ends with its file: in a shared runtime their retries would reach for real hosts later.
    // (Not their pure unit files: retry-rules, pieces, templates, params. Named by exclusion, so
    // a new file there gets a runtime of its own unless it is known not to need one.)
    "test/push/!(retry-rules).test.ts",
    "test/studio/generation/!(pieces).test.ts",
    "test/studio/providers/!(templates|params).test.ts",
    "test/security/studio-*.test.ts",
  ];
  // Group calls with an SFU configured (test/kit/fake-sfu.ts answers at its base URL): a runtime of
  // their own, since the rest expect the default, a mesh capped at CALL_MESH_MAX_PARTICIPANTS. Two
  // people fit a mesh here, so the third moves a call to the SFU.
  const workersSfu = {
    ...zodAsBundled,
    plugins: [
      runtime({
        CLOUDFLARE_REALTIME_APP_ID: "test-sfu-app",
        CLOUDFLARE_REALTIME_APP_SECRET: "test-sfu-app-secret",
        CLOUDFLARE_REALTIME_BASE_URL: "https://sfu.fake.test/v1",
        CALL_MESH_MAX_PARTICIPANTS: "2",
        CALL_MAX_PARTICIPANTS: "4",
      }),
    ],
    test: { name: "workers-sfu", include: sfuFiles, ...workerd },
  };
  // The rest share runtimes instead of starting one per file: starting a runtime (workerd, the
  // Worker's modules, the migrations) per file was most of the suite's time
  // (docs/development.md#how-long-the-tests-take). vitest keeps one runtime per worker (up to
  // maxWorkers at once), with its local D1, R2 and Durable Objects, and runs that runtime's files
  // one after another; test/setup.ts puts back the clock and any spied global after each file. So
  // a test there never assumes an empty database: it makes its own users, chats and files and
  // looks only at those.
  const workers = {
    ...zodAsBundled,
    plugins: [runtime()],
    test: {
      name: "workers",
      include: ["test/**/*.test.ts"],
      exclude: ["test/dev-server/**", "test/e2e/**", "**/node_modules/**", ...ownStorage, ...sfuFiles],
      // The web app's stylesheet as text for test/platform/web-styles.test.ts (vitest empties every CSS import it does not include).
      css: { include: [/web\/app\.css/] },
      isolate: false,
      ...workerd,
    },
  };
  const workersOwnStorage = { ...zodAsBundled, plugins: [runtime()], test: { name: "workers-own-storage", include: ownStorage, ...workerd } };
  // Node against a real `wrangler dev` (real sockets, werift peers), with npm packages only: part of `npm test`.
  const node = { environment: "node" as const, testTimeout: 120_000, hookTimeout: 180_000 };
  // Each dev-server file starts its own `wrangler dev` on ports of its own, so they run side by side
  // with the workerd files.
  const devServer = {
    test: {
      name: "dev-server",
      include: ["test/dev-server/**/*.test.ts"],
      globalSetup: ["./test/dev-server/global-setup.ts"],
      setupFiles: ["./test/dev-server/own-connections.ts"],
      ...node,
    },
  };
  // Tests that need system packages (coturn, Chromium): `npm run e2e`, after the prerequisites in docs/development.md.
  // A browser waits on a server that shares two cores with it: a poll gives a screen 10 s, not 1 s, to show what it should.
  const e2e = {
    test: {
      name: "e2e",
      include: ["test/e2e/**/*.test.ts"],
      setupFiles: ["./test/dev-server/own-connections.ts"],
      expect: { poll: { timeout: 10_000 } },
      fileParallelism: false,
      ...node,
    },
  };
  // `silent` is a run-wide option: set on a project it is ignored. A passing test's logs are
  // dropped; a failing test's logs are printed with its failure.
  // slowTestThreshold: only tests slower than 10 s get a line of their own in a passing run.
  // maxWorkers: one more file at a time than there are cores. vitest's default (one fewer: a single
  // file at a time on two cores) left the cores idle, since a file mostly waits on workerd, a queue
  // or a dev server, which run in processes of their own (docs/development.md#how-long-the-tests-take).
  return {
    test: {
      silent: "passed-only" as const,
      slowTestThreshold: 10_000,
      maxWorkers: availableParallelism() + 1,
      sequence: { sequencer: LongestFirstSequencer },
      projects: [workers, workersOwnStorage, workersSfu, devServer, e2e],
      onUnhandledError: reportUnlessHarnessCallAtTeardown,
    },
  };
});
