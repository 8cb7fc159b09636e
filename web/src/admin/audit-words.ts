// What the admin console's audit log says for each event: the account's own words
// (account/activity-words.ts) where they read well to a third person, and the admin-only kinds.
import { EVENT_WORDS, eventWords, ROLE_WORDS } from "../account/activity-words";

/** Kinds only admins cause or see, and the account's kinds worded for someone else's account. */
const ADMIN_WORDS: Record<string, string> = {
  "oauth_client.created": "Sign-in app registered",
  "oauth_client.updated": "Sign-in app changed",
  "oauth_client.disabled": "Sign-in app disabled",
  "oauth_client.enabled": "Sign-in app enabled",
  "oauth_client.secret_rotated": "Sign-in app given a new secret",
  "oauth_client.deleted": "Sign-in app deleted",
  "sessions.ended_by_admin": "Signed out everywhere by an administrator",
  "session.ended_by_admin": "One session ended by an administrator",
  "role.changed": "Role changed",
  "oauth.consent_granted": "Let an app use the account",
  "oauth.app_disconnected": "Disconnected an app",
};

export function auditWords(type: string, detail: Record<string, unknown>): string {
  if (type === "role.changed" && typeof detail.to === "string") return `Role changed to ${ROLE_WORDS[detail.to] ?? "another role"}`;
  return ADMIN_WORDS[type] ?? eventWords(type, detail);
}

/** The kinds the filter offers, in words, sorted by those words. */
export const auditKinds: [kind: string, words: string][] = [...new Set([...Object.keys(EVENT_WORDS), ...Object.keys(ADMIN_WORDS)])]
  .map((kind): [string, string] => [kind, auditWords(kind, {})])
  .sort((a, b) => a[1].localeCompare(b[1]));
