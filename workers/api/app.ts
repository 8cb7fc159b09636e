import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { depsFor } from "../composition";
import { ApiError } from "../../shared/http/errors";
import { type AppEnv, createRouter } from "./context";
import { renderError } from "./middleware/errors";
import { observeRequest } from "./middleware/observe-request";
import { requestId } from "./middleware/request-id";
import { adminNetworkGuard } from "./middleware/admin-network";
import { noStore } from "./middleware/no-store";
import { requestLog } from "./middleware/request-log";
import { docsRoutes } from "./routes/docs";
import { accountModules, modules } from "../modules";
import type { MountedRouter } from "../module-manifest";
import { errorCatalogue } from "../reference-docs";
import { callsModule } from "../modules/calls";
import { chatModule } from "../modules/chat";
import { e2eeModule } from "../modules/e2ee";
import { identityModule } from "../modules/identity";
import { jobsBoardModule } from "../modules/jobs-board";
import { mediaModule } from "../modules/media";
import { oauthModule } from "../modules/oauth";
import { observabilityModule } from "../modules/observability";
import { platformModule } from "../modules/platform";
import { pushModule } from "../modules/push";
import { realtimeModule } from "../modules/realtime";
import { studioModule } from "../modules/studio";
import { moderationHintsModule } from "../modules/moderation-hints";
import { videoModule } from "../modules/video";
import { TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from "../../shared/media/tus-protocol";
import { PRODUCT_NAME } from "../../shared/product";

/** The module context of the request (one per env object, so building it costs a map lookup). */
const withDeps = createMiddleware<AppEnv>(async (c, next) => {
  const deps = depsFor(c.env);
  c.set("deps", deps);
  c.set("accountModules", accountModules);
  await next();
});

/** File uploads stream with their own per-purpose limits (shared/media). */
function isMediaUpload(method: string, path: string): boolean {
  return (
    (method === "POST" && (path === "/v1/files" || path === "/dev/media/direct-put")) ||
    (method === "PATCH" && path.startsWith("/v1/uploads/")) ||
    // video: bytes streamed into Stream, limited by VIDEO_MAX_BYTES
    (method === "PUT" && path.startsWith("/v1/videos/") && path.endsWith("/content")) ||
    // backup: an R2 object written back as it was, however large it was
    (method === "PUT" && path === "/v1/admin/restore/file")
  );
}

const limitBody = createMiddleware<AppEnv>((c, next) =>
  isMediaUpload(c.req.method, c.req.path)
    ? next()
    : bodyLimit({
        maxSize: c.get("deps").config.http.maxBodyBytes,
        onError: () => {
          throw new ApiError(413, "body_too_large", `The request body is larger than ${c.get("deps").config.http.maxBodyBytes} bytes`);
        },
      })(c, next),
);

// Every request runs through CORS: build the middleware once per configured origin list.
let corsFor: { origins: string; middleware: ReturnType<typeof cors> } | undefined;

const corsFromEnv = createMiddleware<AppEnv>((c, next) => {
  // tus discovery is an OPTIONS request that is not a CORS preflight: let the uploads route answer it.
  if (c.req.method === "OPTIONS" && c.req.path === "/v1/uploads" && !c.req.header("access-control-request-method")) return next();
  const origins = c.get("deps").config.http.corsAllowedOrigins;
  if (corsFor?.origins !== origins) {
    const allowed = origins
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean);
    corsFor = {
      origins,
      middleware: cors({
        origin: allowed.includes("*") ? "*" : allowed,
        allowHeaders: ["authorization", "content-type", "x-request-id", "x-content-sha256", ...TUS_REQUEST_HEADERS],
        allowMethods: ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
        exposeHeaders: ["x-request-id", "retry-after", "etag", "content-range", "content-disposition", ...TUS_RESPONSE_HEADERS],
        maxAge: 600,
      }),
    };
  }
  return corsFor.middleware(c, next);
});

const OPENAPI_INFO = {
  title: `${PRODUCT_NAME} API`,
  version: "1.0.0",
  description:
    "The platform's REST API on Cloudflare Workers. Errors are RFC 9457 problem documents with a stable `code`; WebSocket frames are in /asyncapi.json.",
};

/** Every module's routers with the paths they mount at, by module: the manifests' `routes`. */
const MOUNTED = {
  platform: platformModule.routes,
  identity: identityModule.routes,
  media: mediaModule.routes,
  observability: observabilityModule.routes,
  studio: studioModule.routes,
  video: videoModule.routes,
  jobsBoard: jobsBoardModule.routes,
  oauth: oauthModule.routes,
  realtime: realtimeModule.routes,
  chat: chatModule.routes,
  calls: callsModule.routes,
  push: pushModule.routes,
  e2ee: e2eeModule.routes,
  moderationHints: moderationHintsModule.routes,
} as const;
type Mounted = typeof MOUNTED;
/** The routers themselves, loaded (or, in an app built for one path, empty where they cannot answer it). */
type Routers = { [M in keyof Mounted]: { [R in keyof Mounted[M]]: Mounted[M][R] extends MountedRouter<string, infer T> ? T : never } };

/** Whether a router mounted at `prefix` can answer `path`. */
function answers(prefix: string, path: string): boolean {
  return prefix === "/" || path === prefix || path.startsWith(`${prefix}/`);
}

/** Hono matches the decoded path (hono/utils/url getPath), so the prefixes are matched against it too. */
function decodedPath(path: string): string {
  if (!path.includes("%")) return path;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

type Router = Awaited<ReturnType<MountedRouter["load"]>>;

/** Routers already loaded, by their mount: an app of routers all loaded is built without awaiting anything. */
const loaded = new Map<MountedRouter, Router>();

/** The routers that can answer `path` (every router when `path` is null), the others empty; null if one is not loaded yet. */
function loadedRoutersFor(path: string | null): Routers | null {
  const modules: [string, Record<string, Router>][] = [];
  for (const [module, mounts] of Object.entries(MOUNTED)) {
    const routers: Record<string, Router> = {};
    for (const [name, mount] of Object.entries(mounts as Record<string, MountedRouter>)) {
      const router = path === null || answers(mount.path, path) ? loaded.get(mount) : createRouter();
      if (!router) return null;
      routers[name] = router;
    }
    modules.push([module, routers]);
  }
  return Object.fromEntries(modules) as Routers;
}

/** Loads the routers that can answer `path` (all when null), then gives them as loadedRoutersFor does. */
async function routersFor(path: string | null): Promise<Routers> {
  const mounts = Object.values(MOUNTED).flatMap((byName) => Object.values(byName as Record<string, MountedRouter>));
  await Promise.all(
    mounts
      .filter((mount) => (path === null || answers(mount.path, path)) && !loaded.has(mount))
      .map(async (mount) => {
        const router = await mount.load();
        if (!loaded.has(mount)) loaded.set(mount, router);
      }),
  );
  return loadedRoutersFor(path)!;
}

// The docs router serves the document of every route (workers/api/routes/docs.ts): its paths load them all.
const DOCUMENT_PATHS = new Set(["/openapi.json", "/asyncapi.json", "/docs"]);

type App = ReturnType<typeof buildApp>;

// Built apps only, never a load in flight: a request must not await a promise another request's
// I/O settles (workerd cancels it as hung; under vitest each import() is I/O). Two cold requests
// at once may each build the same app; the first to finish is kept.
const apps = new Map<string, App>();

/**
 * The app that answers `path`, built on first use and kept for the isolate: the same middleware,
 * the same chain in the same order, with only the routers whose prefix `path` lies under loaded
 * (the others are empty routers, so nothing else can match it anyway). A cold isolate thus builds
 * the zod schemas of the module it serves, not the 4,000 of every module; the document paths,
 * and `createApp()`, load every router.
 */
export async function appFor(requestPath: string | null): Promise<App> {
  const path = requestPath === null || DOCUMENT_PATHS.has(requestPath) ? null : decodedPath(requestPath);
  const key =
    path === null
      ? "*"
      : Object.values(MOUNTED)
          .flatMap((mounts) => Object.values(mounts as Record<string, MountedRouter>).map(({ path: prefix }) => (answers(prefix, path) ? "1" : "0")))
          .join("");
  const built = apps.get(key);
  if (built) return built;
  // Routers all loaded already (another path's app loaded them): built before any await, so a
  // request arriving meanwhile finds it instead of building its own.
  const routers = loadedRoutersFor(path);
  const app = routers ? buildApp(routers) : await loadApp(path);
  if (!apps.has(key)) apps.set(key, app);
  return apps.get(key)!;
}

/** A new app for `path` (null: every router), its routers loaded; appFor keeps them. */
export async function loadApp(path: string | null): Promise<App> {
  return buildApp(await routersFor(path));
}

/** The whole app, every router loaded (tests, the OpenAPI document). */
export function createApp(): Promise<App> {
  return appFor(null);
}

function buildApp(routers: Routers) {
  const app = createRouter();
  app.use(requestId, withDeps, observeRequest, requestLog, corsFromEnv, limitBody);
  app.use("/v1/*", noStore);
  app.use("/dev/*", noStore);
  app.use("/v1/admin/*", adminNetworkGuard);

  // Chained, so the type of `routes` carries every route for hc<AppType>(); the routers come
  // from the manifests (workers/modules/), in the order the platform has always matched them
  // (test/platform/modules.test.ts holds this chain to exactly the manifests' routers).
  const { platform, identity, media, observability, studio, video, jobsBoard, oauth, realtime, chat, calls, push, e2ee, moderationHints } = routers;
  const at = MOUNTED;
  const routes = app
    .route(at.platform.system.path, platform.system)
    .route(at.platform.webApp.path, platform.webApp)
    .route(at.identity.sessions.path, identity.sessions)
    .route(at.identity.twoFactor.path, identity.twoFactor)
    .route(at.identity.email.path, identity.email)
    .route(at.identity.password.path, identity.password)
    .route(at.identity.passkeys.path, identity.passkeys)
    .route(at.media.avatar.path, media.avatar)
    .route(at.identity.me.path, identity.me)
    .route(at.identity.myPasskeys.path, identity.myPasskeys)
    .route(at.identity.myPhone.path, identity.myPhone)
    .route(at.identity.phone.path, identity.phone)
    .route(at.identity.admin.path, identity.admin)
    .route(at.identity.invites.path, identity.invites)
    .route(at.media.devMedia.path, media.devMedia)
    .route(at.observability.metrics.path, observability.metrics)
    .route(at.observability.adminMetrics.path, observability.adminMetrics)
    .route(at.platform.dev.path, platform.dev)
    .route(at.platform.backup.path, platform.backup)
    .route(at.realtime.realtime.path, realtime.realtime)
    .route(at.chat.chats.path, chat.chats)
    .route(at.chat.people.path, chat.people)
    .route(at.calls.calls.path, calls.calls)
    .route(at.calls.groupCalls.path, calls.groupCalls)
    .route(at.media.files.path, media.files)
    .route(at.media.uploads.path, media.uploads)
    .route(at.media.images.path, media.images)
    .route(at.media.userImages.path, media.userImages)
    .route(at.studio.library.path, studio.library)
    .route(at.studio.sharing.path, studio.sharing)
    .route(at.studio.export.path, studio.export)
    .route(at.studio.models.path, studio.models)
    .route(at.video.videos.path, video.videos)
    .route(at.video.decisions.path, video.decisions)
    .route(at.video.myVideos.path, video.myVideos)
    .route(at.video.captions.path, video.captions)
    .route(at.video.moderation.path, video.moderation)
    .route(at.moderationHints.hints.path, moderationHints.hints)
    .route(at.video.webhooks.path, video.webhooks)
    .route(at.video.publicPage.path, video.publicPage)
    .route(at.media.picturePage.path, media.picturePage)
    .route(at.jobsBoard.profiles.path, jobsBoard.profiles)
    .route(at.jobsBoard.companies.path, jobsBoard.companies)
    .route(at.jobsBoard.vacancies.path, jobsBoard.vacancies)
    .route(at.jobsBoard.admin.path, jobsBoard.admin)
    .route(at.jobsBoard.applications.path, jobsBoard.applications)
    .route(at.jobsBoard.myApplications.path, jobsBoard.myApplications)
    .route(at.jobsBoard.myCompanies.path, jobsBoard.myCompanies)
    .route(at.jobsBoard.companyModeration.path, jobsBoard.companyModeration)
    .route(at.jobsBoard.companyFollows.path, jobsBoard.companyFollows)
    .route(at.jobsBoard.followedCompanies.path, jobsBoard.followedCompanies)
    .route(at.jobsBoard.savedSearches.path, jobsBoard.savedSearches)
    .route(at.studio.generation.path, studio.generation)
    .route(at.studio.administration.path, studio.administration)
    .route(at.studio.sharePage.path, studio.sharePage)
    .route(at.push.push.path, push.push)
    .route(at.oauth.protocol.path, oauth.protocol)
    .route(at.oauth.connectedApps.path, oauth.connectedApps)
    .route(at.oauth.admin.path, oauth.admin)
    .route(at.e2ee.e2ee.path, e2ee.e2ee);

  routes.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  routes.openAPIRegistry.registerComponent("securitySchemes", "streamWebhookSignature", {
    type: "apiKey",
    in: "header",
    name: "Webhook-Signature",
    description: "`time=<unix seconds>,sig1=<hex HMAC-SHA256 of time.body>` with VIDEO_WEBHOOK_SECRET",
  });
  // Built once, on first use (every route is registered by then); only `servers` names the origin.
  // The generator keeps the `info` object it is given, so it gets a copy of its own.
  let openapiOnce: ReturnType<typeof routes.getOpenAPI31Document> | undefined;
  const openapiDocument = (origin: string) => {
    if (!openapiOnce) {
      const document = routes.getOpenAPI31Document({ openapi: "3.1.0", info: { ...OPENAPI_INFO } });
      // Named from the document itself, so the description never lists a module that does not exist.
      const tags = [
        ...new Set(Object.values(document.paths ?? {}).flatMap((item) => Object.values(item ?? {}).flatMap((op) => (op as { tags?: string[] }).tags ?? []))),
      ];
      openapiOnce = { ...document, info: { ...OPENAPI_INFO, description: `${OPENAPI_INFO.description} Modules: ${tags.join(", ")}.` } };
    }
    const { openapi, info, ...rest } = openapiOnce;
    return { openapi, info, servers: [{ url: origin }], ...rest };
  };
  routes.route("/", docsRoutes(openapiDocument, errorCatalogue(modules)));

  routes.notFound(() => {
    throw new ApiError(404, "not_found", "No such route");
  });
  routes.onError(renderError);
  return routes;
}

/** Every route of the API, for the typed client: `hc<AppType>(baseUrl)` from `hono/client`. */
export type AppType = ReturnType<typeof buildApp>;
