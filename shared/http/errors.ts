import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface FieldProblem {
  path: string;
  message: string;
  code?: string;
}

/** The one error type routes and logic throw; the error handler renders it as problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> & { errors?: FieldProblem[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? code);
    this.name = "ApiError";
  }
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function problemTitle(status: number): string {
  return titles[status] ?? "Error";
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** `traceId` names the W3C trace of the request, to find every log line it caused. */
export function problemBody(error: ApiError, requestId: string, traceId?: string) {
  return {
    // RFC 9457 4.2.1: no page per problem type exists, so "about:blank"; `code` carries the meaning.
    type: "about:blank",
    title: problemTitle(error.status),
    status: error.status,
    code: error.code,
    detail: error.detail ?? problemTitle(error.status),
    requestId,
    ...(traceId ? { traceId } : {}),
    ...error.extra,
  };
}

export function problemResponse(error: ApiError, requestId: string, traceId?: string): Response {
  return new Response(JSON.stringify(problemBody(error, requestId, traceId)), {
    status: error.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": requestId, ...error.headers },
  });
}

export const unauthorized = (detail = "Missing or invalid access token", code = "unauthorized") =>
  new ApiError(401, code, detail);
export const forbidden = (detail = "You do not have access to this resource") => new ApiError(403, "forbidden", detail);
export const notFound = (detail = "Not found") => new ApiError(404, "not_found", detail);
export const conflict = (code: string, detail: string) => new ApiError(409, code, detail);
export const badRequest = (code: string, detail: string, errors?: FieldProblem[]) =>
  new ApiError(400, code, detail, errors ? { errors } : {});
