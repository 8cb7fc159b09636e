import type { hc, InferResponseType } from "hono/client";
import type { StatusCode } from "hono/utils/http-status";
import type { AppType } from "../../workers/api/app";

/** The API as the typed client sees it: `ApiClient["v1"]["me"]["$get"]` is GET /v1/me. */
export type ApiClient = ReturnType<typeof hc<AppType>>;

/**
 * The JSON reply of an endpoint with status `S`, inferred from the route's own schema, so a test
 * reading it breaks at typecheck when the route changes shape: `json<Reply<ApiClient["dev"]["mailbox"]["$get"]>>(response)`.
 */
export type Reply<Endpoint extends (...args: any) => any, S extends StatusCode = 200> = InferResponseType<Endpoint, S>;
