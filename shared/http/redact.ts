/** Keys whose values never reach a log line, whatever object they appear in. */
const SECRET_KEY = /pass(word)?|token|secret|code|otp|ticket|authorization|cookie|credential|signature|api[-_]?key|jwt|sdp|candidate/i;
const EMAIL = /([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

export const REDACTED = "[redacted]";

/** a***@example.com: enough to tell accounts apart in a log, not enough to harvest them. */
export function maskEmails(text: string): string {
  return text.replace(EMAIL, (_m, first: string, _rest: string, domain: string) => `${first}***@${domain}`);
}

function redactString(text: string): string {
  return maskEmails(text.replace(BEARER, `$1${REDACTED}`).replace(JWT_LIKE, REDACTED));
}

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
