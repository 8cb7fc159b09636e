/** Keys whose values never reach a log line, whatever object they appear in. */
const SECRET_KEY = /pass(word)?|token|secret|code|otp|ticket|authorization|cookie|credential|signature|api[-_]?key|jwt|sdp|candidate/i;
const EMAIL = /([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** `token=...` and its kin in a URL, a form body or free text (`?token=`, `&code=`, `#access_token=`, `password=`). */
const SECRET_PARAM =
  /((?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*(?:pass(?:word)?|token|secret|code|otp|ticket|key|signature|sig|jwt|credential)[A-Za-z0-9_.-]*=)[^&\s#"'<>,;)]+/gi;
/**
 * An opaque run of 40 or more URL-safe characters with letters and digits: a refresh token, an API
 * key or a hash. Ids (UUIDs, 36 characters with hyphens) stay shorter.
 */
const OPAQUE_SECRET = /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_-])/g;

export const REDACTED = "[redacted]";

/** a***@example.com: enough to tell accounts apart in a log, not enough to harvest them. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (_m, first: string, _rest: string, domain: string) => `${first}***@${domain}`);
}

function redactString(text: string): string {
  return maskEmails(text.replace(BEARER, `$1${REDACTED}`).replace(JWT_LIKE, REDACTED).replace(SECRET_PARAM, `$1${REDACTED}`).replace(OPAQUE_SECRET, REDACTED));
}

/** What replaces an e-mail address on a warn or error line. */
export const HIDDEN_EMAIL = "[email]";
const ANY_EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/**
 * The logger's redaction, for every line whatever path writes it: secrets by key at any depth,
 * and in any text (Bearer credentials, JWTs, secret URL parameters, long opaque tokens). E-mail
 * addresses by level: masked on debug and info lines (`a***@example.com`, enough to tell accounts
 * apart), hidden whole on warn and error lines, which carry exception text and are the ones
 * forwarded to alerting and kept longest.
 */
export function redactForLog(level: "debug" | "info" | "warn" | "error", value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (typeof value === "string") {
    return redactString(level === "warn" || level === "error" ? value.replace(ANY_EMAIL, HIDDEN_EMAIL) : value);
  }
  if (Array.isArray(value)) return value.map((item) => redactForLog(level, item, depth + 1));
  if (value instanceof Error) return redactForLog(level, { name: value.name, message: value.message, stack: value.stack }, depth);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) && !ID_KEY.test(key) ? REDACTED : redactForLog(level, item, depth + 1);
    return out;
  }
  return value;
}

/** A key naming an identifier, not the secret itself (`passkeyId`, `credentialId`, `tokenIds`). */
const ID_KEY = /(Id|Ids|_id|_ids)$/;

/** Deep copy of `value` with secrets replaced and e-mail addresses masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return REDACTED;
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
    }
    return out;
  }
  return value;
}

/** Parameters whose text is the user's own words (searches) or carries them (a search's cursor): logged by length only. */
const PRIVATE_TEXT_PARAM = /^(q|query|search|cursor)$/i;

/** Query string as an object with secret parameters redacted and search text reduced to its length. */
export function redactQuery(url: URL): Record<string, unknown> | undefined {
  if (!url.search) return undefined;
  const params: Record<string, string> = {};
  for (const [key, item] of url.searchParams) params[key] = PRIVATE_TEXT_PARAM.test(key) ? `[${item.length} chars]` : item;
  return redact(params) as Record<string, unknown>;
}
