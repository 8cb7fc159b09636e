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
import { errorCatalogue } from "../reference-docs";
import { callsModule } from "../modules/calls";
import { chatModule } from "../modules/chat";
import { identityModule } from "../modules/identity";
import { jobsBoardModule } from "../modules/jobs-board";
import { mediaModule } from "../modules/media";
import { oauthModule } from "../modules/oauth";
import { observabilityModule } from "../modules/observability";
import { platformModule } from "../modules/platform";
import { pushModule } from "../modules/push";
import { realtimeModule } from "../modules/realtime";
import { studioModule } from "../modules/studio";
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

export function createApp() {
  const app = createRouter();
  app.use(requestId, withDeps, observeRequest, requestLog, corsFromEnv, limitBody);
  app.use("/v1/*", noStore);
  app.use("/dev/*", noStore);
  app.use("/v1/admin/*", adminNetworkGuard);

  // Chained, so the type of `routes` carries every route for hc<AppType>(); the routers come
  // from the manifests (workers/modules/), in the order the platform has always matched them
  // (test/platform/modules.test.ts holds this chain to exactly the manifests' routers).
  const { routes: platform } = platformModule;
  const { routes: identity } = identityModule;
  const { routes: media } = mediaModule;
  const { routes: observability } = observabilityModule;
  const { routes: studio } = studioModule;
  const { routes: video } = videoModule;
  const { routes: jobsBoard } = jobsBoardModule;
  const { routes: oauth } = oauthModule;
  const routes = app
    .route(platform.system.path, platform.system.router)
    .route(platform.webApp.path, platform.webApp.router)
    .route(identity.sessions.path, identity.sessions.router)
    .route(identity.twoFactor.path, identity.twoFactor.router)
    .route(identity.email.path, identity.email.router)
    .route(identity.password.path, identity.password.router)
    .route(identity.passkeys.path, identity.passkeys.router)
    .route(media.avatar.path, media.avatar.router)
    .route(identity.me.path, identity.me.router)
    .route(identity.myPasskeys.path, identity.myPasskeys.router)
    .route(identity.admin.path, identity.admin.router)
    .route(identity.invites.path, identity.invites.router)
    .route(media.devMedia.path, media.devMedia.router)
    .route(observability.metrics.path, observability.metrics.router)
    .route(observability.adminMetrics.path, observability.adminMetrics.router)
    .route(platform.dev.path, platform.dev.router)
    .route(platform.backup.path, platform.backup.router)
    .route(realtimeModule.routes.realtime.path, realtimeModule.routes.realtime.router)
    .route(chatModule.routes.chats.path, chatModule.routes.chats.router)
    .route(chatModule.routes.people.path, chatModule.routes.people.router)
    .route(callsModule.routes.calls.path, callsModule.routes.calls.router)
    .route(callsModule.routes.groupCalls.path, callsModule.routes.groupCalls.router)
    .route(media.files.path, media.files.router)
    .route(media.uploads.path, media.uploads.router)
    .route(media.images.path, media.images.router)
    .route(media.userImages.path, media.userImages.router)
    .route(studio.library.path, studio.library.router)
    .route(studio.sharing.path, studio.sharing.router)
    .route(studio.export.path, studio.export.router)
    .route(studio.models.path, studio.models.router)
    .route(video.videos.path, video.videos.router)
    .route(video.decisions.path, video.decisions.router)
    .route(video.myVideos.path, video.myVideos.router)
    .route(video.moderation.path, video.moderation.router)
    .route(video.webhooks.path, video.webhooks.router)
    .route(video.publicPage.path, video.publicPage.router)
    .route(jobsBoard.profiles.path, jobsBoard.profiles.router)
    .route(jobsBoard.companies.path, jobsBoard.companies.router)
    .route(jobsBoard.vacancies.path, jobsBoard.vacancies.router)
    .route(jobsBoard.admin.path, jobsBoard.admin.router)
    .route(jobsBoard.applications.path, jobsBoard.applications.router)
    .route(jobsBoard.myApplications.path, jobsBoard.myApplications.router)
    .route(jobsBoard.myCompanies.path, jobsBoard.myCompanies.router)
    .route(jobsBoard.companyModeration.path, jobsBoard.companyModeration.router)
    .route(jobsBoard.savedSearches.path, jobsBoard.savedSearches.router)
    .route(studio.generation.path, studio.generation.router)
    .route(pushModule.routes.push.path, pushModule.routes.push.router)
    .route(oauth.protocol.path, oauth.protocol.router)
    .route(oauth.connectedApps.path, oauth.connectedApps.router)
    .route(oauth.admin.path, oauth.admin.router);

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
export type AppType = ReturnType<typeof createApp>;
