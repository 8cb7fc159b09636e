import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One error code of a module's catalogue: the status it is answered with, and what it means to a client. */
export interface ErrorDeclaration {
  status: ContentfulStatusCode | readonly ContentfulStatusCode[];
  /** One sentence for docs/errors.md: when a client gets it and what to do. */
  description: string;
}

/** A module's error codes, declared once in `shared/<module>/errors.ts`. */
export function defineErrors<const T extends Record<string, ErrorDeclaration>>(errors: T): T {
  return errors;
}

/**
 * Every module's error catalogue by module name. Each `shared/<module>/errors.ts` adds its own
 * entry by declaration merging (`declare module "../http/errors" { interface ErrorCatalogue {
 * chat: typeof chatErrors } }`), so this file names no module, and `workers/modules.ts` checks
 * that the manifests list exactly these catalogues.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ErrorCatalogue {}

/** Every declared error code: `ApiError` takes nothing else, so an undeclared code fails typecheck. */
export type ErrorCode = { [M in keyof ErrorCatalogue]: keyof ErrorCatalogue[M] & string }[keyof ErrorCatalogue];

export interface FieldProblem {
  path: string;
  message: string;
  code?: string;
}

/** The one error type routes and logic throw; the error handler renders it as problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
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

export const unauthorized = (detail = "Missing or invalid access token", code: ErrorCode = "unauthorized") => new ApiError(401, code, detail);
export const forbidden = (detail = "You do not have access to this resource") => new ApiError(403, "forbidden", detail);
export const notFound = (detail = "Not found") => new ApiError(404, "not_found", detail);
export const conflict = (code: ErrorCode, detail: string) => new ApiError(409, code, detail);
export const badRequest = (code: ErrorCode, detail: string, errors?: FieldProblem[]) => new ApiError(400, code, detail, errors ? { errors } : {});
