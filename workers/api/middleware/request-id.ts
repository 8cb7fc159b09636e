import { createMiddleware } from "hono/factory";
import { newId } from "../../../shared/ids";
import type { AppEnv } from "../context";

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Echoes a well-formed incoming x-request-id, otherwise mints one. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newId();
  c.set("requestId", id);
  await next();
  c.res.headers.set("x-request-id", id);
});
