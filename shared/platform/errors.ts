import { defineErrors } from "../http/errors";

/** The platform's own error codes: the HTTP layer, validation, authorisation shapes every module shares. */
export const platformErrors = defineErrors({
  invalid_body: { status: 400, description: "The JSON body does not match the operation's schema; `errors` lists every field at fault." },
  invalid_query: { status: 400, description: "A query parameter is missing, of the wrong type or out of range; `errors` lists them." },
  invalid_path: { status: 400, description: "A path parameter is not of the declared form (for example not an id)." },
  invalid_header: { status: 400, description: "A request header has a value the operation does not accept." },
  invalid_cookie: { status: 400, description: "A cookie the operation reads has a value it does not accept." },
  invalid_request: { status: 400, description: "Some other part of the request failed validation." },
  malformed_json: { status: 400, description: "The body is not valid JSON." },
  invalid_cursor: { status: 400, description: "A `cursor` was tampered with or belongs to another list; start again without it." },
  unauthorized: { status: 401, description: "No access token was sent (or no `Authorization: Bearer` header)." },
  forbidden: { status: 403, description: "The token is valid but lacks the right (a role, or someone else's resource whose existence is not secret)." },
  not_found: { status: 404, description: "No such route or resource, or one the caller may not know exists." },
  body_too_large: { status: 413, description: "The body is larger than MAX_BODY_BYTES (uploads have their own limits)." },
  unsupported_media_type: { status: 415, description: "The body is not of a content type the operation accepts (JSON bodies need `application/json`)." },
  rate_limited: { status: 429, description: "A rate limit's window is full; retry after `Retry-After` seconds (also `retryAfter` in the problem)." },
  http_error: { status: [405, 500], description: "A protocol-level refusal of the HTTP framework without a more specific code." },
  backup_unknown_table: {
    status: 404,
    description: "A backup or restore step named a table the database or Durable Object does not copy (see `GET /v1/admin/backup`).",
  },
  restore_refused: {
    status: 400,
    description: "SQLite refused a restore step (a column the table lacks, a value it does not take, a broken statement); nothing of the step was written.",
  },
  restore_checksum_mismatch: {
    status: 400,
    description: "The bytes of a restored R2 object do not have the SHA-256 sent in `x-content-sha256`; nothing was written.",
  },
  internal_error: { status: 500, description: "A bug on our side; the problem's `requestId` finds the log line." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    platform: typeof platformErrors;
  }
}
