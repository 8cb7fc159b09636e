import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { pingDatabase } from "../../../shared/db/records";
import { readDevMailbox } from "../../../shared/email/dev-mailbox";
import { readDevSmsOutbox } from "../../../shared/identity/phone/sms-sender";
import { ApiError } from "../../../shared/http/errors";
import { jsonResponse, problemResponses } from "../../../shared/http/openapi";
import { type AppEnv, createRouter } from "../context";

const MailboxQuery = z.object({
  to: z
    .string()
    .trim()
    .min(3)
    .max(254)
    .email()
    .openapi({ param: { name: "to", in: "query" } }),
});

const MailSchema = z.object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string().nullable(), createdAt: z.string() }).openapi("DevMail");

/** In production these routes do not exist: the same 404 as any unknown path. */
const developmentOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("deps").config.usesDevMailbox) throw new ApiError(404, "not_found", "No such route");
  await next();
});

/** Development and tests only: every e-mail the platform "sent". Chained, so the typed client (and test/kit) sees it. */
export const devRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/mailbox",
      tags: ["development"],
      summary: "E-mails sent to an address (development only)",
      description: "Newest first. Exists only with ENVIRONMENT=development or test; links in mails carry `token=<token>`.",
      request: { query: MailboxQuery },
      middleware: [developmentOnly] as const,
      responses: { 200: jsonResponse(z.object({ items: z.array(MailSchema) }), "Mails"), ...problemResponses(400, 404) },
    }),
    async (c) => c.json({ items: await readDevMailbox(c.get("deps"), c.req.valid("query").to) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/sms-outbox",
      tags: ["development"],
      summary: "Text messages sent to a number (development only)",
      description: "Newest first. Exists only with ENVIRONMENT=development or test; `to` is E.164 (`+447700900123`).",
      request: {
        query: z.object({
          to: z
            .string()
            .trim()
            .regex(/^\+[1-9]\d{6,14}$/)
            .openapi({ param: { name: "to", in: "query" } }),
        }),
      },
      middleware: [developmentOnly] as const,
      responses: {
        200: jsonResponse(z.object({ items: z.array(z.object({ to: z.string(), body: z.string(), createdAt: z.string() }).openapi("DevSms")) }), "Messages"),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => c.json({ items: await readDevSmsOutbox(c.get("deps"), c.req.valid("query").to) }, 200),
  );

/**
 * Development only: one D1 statement that reads nothing (`SELECT 1`) and no authentication: the
 * least any per-request D1 read costs on this server, which `npm run bench:auth` prints next to
 * the session check (docs/latency.md).
 */
devRoutes.openapi(
  createRoute({
    method: "get",
    path: "/d1-round-trip",
    tags: ["development"],
    summary: "One D1 round trip that reads nothing (benchmark floor, development only)",
    middleware: [developmentOnly] as const,
    responses: { 200: jsonResponse(z.object({ status: z.literal("ok") }), "D1 answered"), ...problemResponses(404) },
  }),
  async (c) => {
    await pingDatabase(c.get("deps").db);
    return c.json({ status: "ok" as const }, 200);
  },
);
