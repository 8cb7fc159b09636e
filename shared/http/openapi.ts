import { z } from "@hono/zod-openapi";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: "invalid_body" }),
    detail: z.string(),
    requestId: z.string(),
    traceId: z.string().optional().openapi({ description: "W3C trace id of the request (the traceparent it sent, or a new one)" }),
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
  })
  .passthrough()
  .openapi("Problem");

const problemDescriptions: Record<number, string> = {
  400: "Malformed or invalid input",
  401: "Missing, invalid, expired or revoked credentials",
  403: "Authenticated but not allowed",
  404: "No such resource (or not yours)",
  409: "Conflicts with the current state",
  413: "Body too large",
  415: "Content-Type is not application/json",
  423: "Held by another request; see Retry-After",
  429: "Rate limited; see Retry-After",
  503: "A dependency is unavailable",
};

type ProblemResponse = { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } };

/** OpenAPI response entries for the problem statuses a route can answer with (typed per status for hc clients). */
export function problemResponses<const S extends readonly number[]>(...statuses: S): { [K in S[number]]: ProblemResponse } {
  const out: Record<number, ProblemResponse> = {};
  for (const status of statuses) {
    out[status] = {
      description: problemDescriptions[status] ?? "Error",
      content: { "application/problem+json": { schema: ProblemSchema } },
    };
  }
  return out as { [K in S[number]]: ProblemResponse };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export const bearerSecurity = [{ bearerAuth: [] }];

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
