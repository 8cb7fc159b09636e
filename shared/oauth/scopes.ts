/** The scopes the provider knows; a client is registered with a subset of them. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** What each scope lets an app see, as the consent page words it. */
export const SCOPE_DESCRIPTIONS: Record<OidcScope, string> = {
  openid: "Know who you are on this platform (a stable identifier)",
  profile: "See your name and profile picture",
  email: "See your e-mail address and whether it is verified",
  offline_access: "Stay connected when you are not using it (until you sign out or disconnect it)",
};

/** Space-separated scope parameter to a list without duplicates, in the order given. */
export function parseScope(scope: string | undefined | null): string[] {
  return [...new Set((scope ?? "").split(" ").filter(Boolean))];
}

export function isKnownScope(scope: string): scope is OidcScope {
  return (OIDC_SCOPES as readonly string[]).includes(scope);
}
