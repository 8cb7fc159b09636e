import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { configOf } from "../../shared/config";
import { createDatabase } from "../../shared/db/client";
import { ApiError } from "../../shared/http/errors";
import { type AppEnv, createRouter } from "./context";
import { renderError } from "./middleware/errors";
import { observeRequest } from "./middleware/observe-request";
import { requestId } from "./middleware/request-id";
import { noStore } from "./middleware/no-store";
import { requestLog } from "./middleware/request-log";
import { auth2faRoutes } from "./routes/auth-2fa";
import { authEmailRoutes } from "./routes/auth-email";
import { authPasswordRoutes } from "./routes/auth-password";
import { authSessionRoutes } from "./routes/auth-sessions";
import { chatRoutes } from "./routes/chats";
import { callRoutes } from "./routes/calls";
import { adminRoutes } from "./routes/admin";
import { devRoutes } from "./routes/dev";
import { docsRoutes } from "./routes/docs";
import { meRoutes } from "./routes/me";
import { adminMetricsRoutes, metricsRoutes } from "./routes/metrics";
import { realtimeRoutes } from "./routes/realtime";
import { systemRoutes } from "./routes/system";
import { avatarRoutes } from "./routes/avatar";
import { devMediaRoutes } from "./routes/dev-media";
import { fileRoutes } from "./routes/files";
import { imageRoutes, userImageRoutes } from "./routes/images";
import { uploadRoutes } from "./routes/uploads";
import { studioLibraryRoutes } from "./routes/studio-library";
import { studioSharingRoutes } from "./routes/studio-sharing";
import { studioExportRoutes } from "./routes/studio-export";
import { studioModelRoutes } from "./routes/studio-models";
import { myVideoRoutes, videoRoutes } from "./routes/videos";
import { videoDecisionRoutes, videoModerationRoutes } from "./routes/video-moderation";
import { videoWebhookRoutes } from "./routes/video-webhooks";
import { companyRoutes } from "./routes/companies";
import { profileRoutes } from "./routes/profiles";
import { jobsAdminRoutes, vacancyRoutes } from "./routes/vacancies"
import { studioGenerationRoutes } from "./routes/studio-generation";
import { TUS_REQUEST_HEADERS, TUS_RESPONSE_HEADERS } from "../../shared/media/tus-protocol";

const withDatabase = createMiddleware<AppEnv>(async (c, next) => {
  c.set("db", createDatabase(c.env.DB));
  await next();
});

/** File uploads stream with their own per-purpose limits (shared/media). */
function isMediaUpload(method: string, path: string): boolean {
  return (
    (method === "POST" && (path === "/v1/files" || path === "/dev/media/direct-put")) ||
    (method === "PATCH" && path.startsWith("/v1/uploads/")) ||
    // video: bytes streamed into Stream, limited by VIDEO_MAX_BYTES
    (method === "PUT" && path.startsWith("/v1/videos/") && path.endsWith("/content"))
  );
}

const limitBody = createMiddleware<AppEnv>((c, next) =>
  isMediaUpload(c.req.method, c.req.path) ? next() : bodyLimit({
    maxSize: configOf(c.env).http.maxBodyBytes,
    onError: () => {
      throw new ApiError(413, "body_too_large", `The request body is larger than ${configOf(c.env).http.maxBodyBytes} bytes`);
    },
  })(c, next),
);

// Every request runs through CORS: build the middleware once per configured origin list.
let corsFor: { origins: string; middleware: ReturnType<typeof cors> } | undefined;

const corsFromEnv = createMiddleware<AppEnv>((c, next) => {
  // tus discovery is an OPTIONS request that is not a CORS preflight: let the uploads route answer it.
  if (c.req.method === "OPTIONS" && c.req.path === "/v1/uploads" && !c.req.header("access-control-request-method")) return next();
  const origins = configOf(c.env).http.corsAllowedOrigins;
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
  title: "Edge platform API",
  version: "1.0.0",
  description:
    "The platform's REST API on Cloudflare Workers. Errors are RFC 9457 problem documents with a stable `code`; WebSocket frames are in /asyncapi.json.",
};

export function createApp() {
  const app = createRouter();
  app.use(requestId, observeRequest, requestLog, corsFromEnv, limitBody, withDatabase);
  app.use("/v1/*", noStore);
  app.use("/dev/*", noStore);

  // Chained, so the type of `routes` carries every route for hc<AppType>().
  const routes = app
    .route("/", systemRoutes)
    .route("/v1/auth", authSessionRoutes)
    .route("/v1/auth", auth2faRoutes)
    .route("/v1/auth", authEmailRoutes)
    .route("/v1/auth", authPasswordRoutes)
    .route("/v1/me/avatar", avatarRoutes)
    .route("/v1/me", meRoutes)
    .route("/v1/admin", adminRoutes)
    .route("/dev/media", devMediaRoutes)
    .route("/", metricsRoutes)
    .route("/v1/admin", adminMetricsRoutes)
    .route("/dev", devRoutes)
    .route("/v1/realtime", realtimeRoutes)
    .route("/v1/chats", chatRoutes)
    .route("/v1/calls", callRoutes)
    .route("/v1/files", fileRoutes)
    .route("/v1/uploads", uploadRoutes)
    .route("/v1/images", imageRoutes)
    .route("/v1/users", userImageRoutes)
    // studio library
    .route("/v1/studio", studioLibraryRoutes)
    .route("/v1/studio", studioSharingRoutes)
    .route("/v1/studio", studioExportRoutes)
    // studio generation
    .route("/v1/studio", studioModelRoutes)
    // video
    .route("/v1/videos", videoRoutes)
    .route("/v1/videos", videoDecisionRoutes)
    .route("/v1/me/videos", myVideoRoutes)
    .route("/v1/moderation", videoModerationRoutes)
    .route("/v1/webhooks", videoWebhookRoutes)
    // jobs board
    .route("/v1/profiles", profileRoutes)
    .route("/v1/companies", companyRoutes)
    .route("/v1/vacancies", vacancyRoutes)
    .route("/v1/admin", jobsAdminRoutes)
    // studio generation
    .route("/v1/studio", studioGenerationRoutes);

  routes.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  routes.openAPIRegistry.registerComponent("securitySchemes", "streamWebhookSignature", {
    type: "apiKey",
    in: "header",
    name: "Webhook-Signature",
    description: "`time=<unix seconds>,sig1=<hex HMAC-SHA256 of time.body>` with VIDEO_WEBHOOK_SECRET",
  });
  const openapiDocument = (origin: string) => {
    const document = routes.getOpenAPI31Document({ openapi: "3.1.0", info: OPENAPI_INFO, servers: [{ url: origin }] });
    // Named from the document itself, so the description never lists a module that does not exist.
    const modules = [...new Set(Object.values(document.paths ?? {}).flatMap((item) => Object.values(item ?? {}).flatMap((op) => (op as { tags?: string[] }).tags ?? [])))];
    document.info.description = `${OPENAPI_INFO.description} Modules: ${modules.join(", ")}.`;
    return document;
  };
  routes.route("/", docsRoutes(openapiDocument));

  routes.notFound(() => {
    throw new ApiError(404, "not_found", "No such route");
  });
  routes.onError(renderError);
  return routes;
}

/** Every route of the API, for the typed client: `hc<AppType>(baseUrl)` from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;
