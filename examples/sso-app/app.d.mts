// Types for app.mjs, so TypeScript tests (test/e2e) can start the example app.
export function startRelyingParty(options: {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  port: number;
  host?: string;
}): Promise<{ url: string; redirectUri: string; close: () => Promise<void> }>;
