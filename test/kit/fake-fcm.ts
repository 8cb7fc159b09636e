import { env } from "cloudflare:workers";
import { importJWK, jwtVerify } from "jose";
import { vi } from "vitest";

/**
 * Google's side of FCM HTTP v1, faked: the OAuth token endpoint the test service account names
 * (https://oauth2.fake-google.test/token) checks the JWT-bearer assertion against the account's
 * public key and hands out access tokens; https://fcm.googleapis.com/v1/projects/:p/messages:send
 * accepts only those tokens and checks the message's shape. `answerNext` scripts failures.
 */
export const FAKE_TOKEN_URI = "https://oauth2.fake-google.test/token";
const FCM_ORIGIN = "https://fcm.googleapis.com";
const CLIENT_EMAIL = "push@edge-platform-test.iam.gserviceaccount.com";

export interface FcmSent {
  token: string;
  data: Record<string, string>;
  android: { priority: string; ttl: string; collapse_key?: string };
  message: Record<string, any>;
}

export class FakeFcm {
  readonly tokenRequests: { assertionClaims: Record<string, unknown> }[] = [];
  readonly sent: FcmSent[] = [];
  readonly rejected: string[] = [];
  private readonly issued = new Set<string>();
  private readonly scripted: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];

  answerNext(status: number, body?: unknown, headers?: Record<string, string>): void {
    this.scripted.push({ status, body, headers });
  }

  /** Access tokens issued so far stop working (as if revoked): the next send gets 401. */
  revokeTokens(): void {
    this.issued.clear();
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    try {
      if (request.url === FAKE_TOKEN_URI) return await this.token(request);
      return await this.send(request);
    } catch (error) {
      this.rejected.push(String(error));
      return Response.json({ error: { status: "INVALID_ARGUMENT", message: String(error) } }, { status: 400 });
    }
  };

  private async token(request: Request): Promise<Response> {
    if (request.method !== "POST" || !request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded"))
      throw new Error("token: not a form POST");
    // Read as bytes: workerd warns on .text() of a body whose type is not text.
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") throw new Error("token: wrong grant_type");
    const key = await importJWK(JSON.parse(env.TEST_FCM_PUBLIC_KEY!), "RS256");
    const { payload } = await jwtVerify(form.get("assertion") ?? "", key, { issuer: CLIENT_EMAIL, audience: FAKE_TOKEN_URI });
    if (payload.scope !== "https://www.googleapis.com/auth/firebase.messaging") throw new Error("token: wrong scope");
    if (typeof payload.exp !== "number" || typeof payload.iat !== "number" || payload.exp - payload.iat > 3600)
      throw new Error("token: exp more than an hour after iat");
    this.tokenRequests.push({ assertionClaims: payload });
    const accessToken = `ya29.fake-${crypto.randomUUID()}`;
    this.issued.add(accessToken);
    return Response.json({ access_token: accessToken, expires_in: 3599, token_type: "Bearer" });
  }

  private async send(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.origin !== FCM_ORIGIN || request.method !== "POST" || url.pathname !== "/v1/projects/edge-platform-test/messages:send")
      throw new Error(`send: unexpected ${request.method} ${url.pathname}`);
    const bearer = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!bearer || !this.issued.has(bearer)) return Response.json({ error: { code: 401, status: "UNAUTHENTICATED" } }, { status: 401 });
    const body = (await request.json()) as { message?: Record<string, any> };
    const message = body.message;
    if (!message || typeof message.token !== "string") throw new Error("send: message.token missing");
    if (!message.data || Object.values(message.data).some((value) => typeof value !== "string")) throw new Error("send: data values must be strings");
    if (!["HIGH", "NORMAL"].includes(message.android?.priority) || !/^\d+s$/.test(message.android?.ttl ?? ""))
      throw new Error("send: android priority/ttl malformed");
    const scripted = this.scripted.shift();
    this.sent.push({ token: message.token, data: message.data, android: message.android, message });
    if (scripted) return Response.json(scripted.body ?? {}, { status: scripted.status, headers: scripted.headers });
    return Response.json({ name: `projects/edge-platform-test/messages/${crypto.randomUUID()}` });
  }
}

/** Routes the Worker's requests to Google's token URI and FCM to a new fake. */
export function installFakeFcm(): FakeFcm {
  const fake = new FakeFcm();
  const previous = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(FAKE_TOKEN_URI) || url.startsWith(FCM_ORIGIN) ? fake.fetch(input, init) : previous(input, init);
  });
  return fake;
}
