import { createRoute, z } from "@hono/zod-openapi";
import {
  API_REFERENCE_CSP,
  API_REFERENCE_CSS,
  API_REFERENCE_STYLESHEET_PATH,
  type ErrorCodeEntry,
  FAVICON_PATH,
  FAVICON_SVG,
  type OpenApiDocumentLike,
  renderApiReference,
} from "../../../shared/http/api-reference-page";
import { type AsyncApiDocument, buildAsyncApiDocument } from "../../../shared/realtime/asyncapi";
import { ASYNCAPI_INFO, DELIVERED_CHANNELS, SOCKET_PROTOCOLS } from "../../../shared/realtime/socket-protocols";
import { createRouter } from "../context";

const tags = ["platform"];

const DocumentSchema = z.object({}).passthrough();

const asyncApiDocuments = new Map<string, AsyncApiDocument>();

/** The AsyncAPI document names the configured public origin: built once per origin (one per deployment). */
function asyncApiDocument(origin: string): AsyncApiDocument {
  let document = asyncApiDocuments.get(origin);
  if (!document) {
    document = buildAsyncApiDocument(SOCKET_PROTOCOLS, ASYNCAPI_INFO, origin, DELIVERED_CHANNELS);
    asyncApiDocuments.set(origin, document);
  }
  return document;
}

/**
 * The platform's own documents and the page that shows them. `openapiDocument` comes from the
 * app, which alone knows every route; `errorCodes` from the modules' error catalogues.
 */
export function docsRoutes(openapiDocument: (origin: string) => OpenApiDocumentLike, errorCodes: readonly ErrorCodeEntry[] = []) {
  return createRouter()
    .openapi(
      createRoute({
        method: "get",
        path: "/openapi.json",
        tags,
        summary: "OpenAPI 3.1 document of every REST endpoint",
        responses: { 200: { description: "The document", content: { "application/json": { schema: DocumentSchema } } } },
      }),
      (c) => c.json(openapiDocument(c.get("deps").config.publicOrigin) as unknown as Record<string, unknown>, 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/asyncapi.json",
        tags,
        summary: "AsyncAPI 3.0 document of every WebSocket frame",
        description: "Generated from the zod schemas that validate client frames and type server frames.",
        responses: { 200: { description: "The document", content: { "application/json": { schema: DocumentSchema } } } },
      }),
      (c) => c.json(asyncApiDocument(c.get("deps").config.publicOrigin) as unknown as Record<string, unknown>, 200),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/docs",
        tags,
        summary: "Human-readable reference of both documents",
        description: "Rendered on the server; no script, and a Content-Security-Policy that allows nothing but this origin's stylesheet.",
        responses: { 200: { description: "The page", content: { "text/html": { schema: z.string() } } } },
      }),
      (c) => {
        const origin = c.get("deps").config.publicOrigin;
        c.header("content-security-policy", API_REFERENCE_CSP);
        c.header("x-content-type-options", "nosniff");
        return c.html(renderApiReference(openapiDocument(origin), asyncApiDocument(origin), errorCodes), 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: API_REFERENCE_STYLESHEET_PATH,
        tags,
        summary: "The stylesheet of /docs",
        responses: { 200: { description: "CSS", content: { "text/css": { schema: z.string() } } } },
      }),
      (c) => {
        c.header("content-type", "text/css; charset=utf-8");
        c.header("cache-control", "public, max-age=300");
        return c.body(API_REFERENCE_CSS, 200);
      },
    )
    .openapi(
      createRoute({
        method: "get",
        path: FAVICON_PATH,
        tags,
        summary: "The platform's icon (SVG), shown by browsers for /docs",
        responses: { 200: { description: "SVG", content: { "image/svg+xml": { schema: z.string() } } } },
      }),
      (c) => {
        c.header("content-type", "image/svg+xml");
        c.header("cache-control", "public, max-age=86400");
        return c.body(FAVICON_SVG, 200);
      },
    );
}
