import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../../shared/env";
import type { AccountModule } from "../../shared/identity/account/account-module";
import type { Deps } from "../../shared/platform/deps-types";
import type { TraceContext } from "../../shared/observability/trace-context";
import { ApiError, type ErrorCode, type FieldProblem } from "../../shared/http/errors";

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The request's span (absent when observability is off). */
    trace?: TraceContext;
    /** The module context (shared/platform/deps.ts): routes call `fn(c.get("deps"), ...)`. */
    deps: Deps;
    /** Every module's account hooks (workers/modules.ts), for registration, export and deletion. */
    accountModules: readonly AccountModule[];
    /** Set by the auth middleware so the request log can name the user. */
    userId?: string;
  };
}

const targetCodes: Record<string, ErrorCode> = {
  json: "invalid_body",
  form: "invalid_body",
  query: "invalid_query",
  param: "invalid_path",
  header: "invalid_header",
  cookie: "invalid_cookie",
};

function fieldProblems(issues: readonly { path: PropertyKey[]; message: string; code?: string }[]): FieldProblem[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
}

/** A router whose validation failures become 400 problems listing every field at fault. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const code = targetCodes[result.target] ?? "invalid_request";
        throw new ApiError(400, code, `The request ${result.target} is invalid`, { errors: fieldProblems(result.error.issues) });
      }
    },
  });
}
