// `npm run bench:startup`'s minimal Hono + zod Worker: one route with a zod-validated body and
// reply, and its OpenAPI document, built at the top level as the platform's routes are.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";

const Greeting = z.object({ name: z.string().min(1).max(100) }).openapi("Greeting");
const Reply = z.object({ text: z.string() }).openapi("Reply");

const greet = createRoute({
  method: "post",
  path: "/greet",
  request: { body: { content: { "application/json": { schema: Greeting } } } },
  responses: { 200: { description: "The greeting", content: { "application/json": { schema: Reply } } } },
});

const app = new OpenAPIHono();
app.openapi(greet, (c) => c.json({ text: `Hello, ${c.req.valid("json").name}` }, 200));
app.doc31("/openapi.json", { openapi: "3.1.0", info: { title: "minimal", version: "1" } });

export default app;
