// The typed client of the platform: REST through hc<AppType> (paths, bodies and replies typed from
// the routes themselves), tokens kept fresh, and sockets that reconnect and resume.
import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { PublicCall as Call } from "../shared/calls/call";
import type { PublicGroupCall as GroupCall } from "../shared/calls/group-call";
import type { Attachment, Chat, Message, Person, Pin, Quote } from "../shared/chat/model";
import type { AppType } from "../workers/api/app";
import { ChatChannel, type ChatChannelEvents, type ChatChannelOptions } from "./chat-channel";
import { type FetchLike, fetchWithFinalProgress, type UploadProgress, type UploadRequestClass, xhrFetch } from "./file-upload";
import { type Backoff, LiveSocket, type LiveSocketState, type ServerFrame } from "./live-socket";
import { TusRefused, tusUpload } from "./tus-upload";
import { MemorySessionStorage, SessionKeeper, type SessionStorage, type SignedOutReason, type TokenPair } from "./session";

export { ChatChannel, type ChatChannelOptions, newClientId, type PendingMessage, type SendOptions } from "./chat-channel";
export { backoffDelay, LiveSocket, type LiveSocketState, type ServerFrame } from "./live-socket";
export { AuthError, LocalSessionStorage, MemorySessionStorage, SessionKeeper, type SessionStorage, type SignedOutReason, type StoredSession } from "./session";
export type { UploadProgress, UploadRequest, UploadRequestClass } from "./file-upload";
export type { AppType, Attachment, Call, Chat, GroupCall, Message, Person, Pin, Quote };

export interface PlatformClientOptions {
  /** Origin of the platform, e.g. "https://platform.example" or "http://localhost:8787". */
  baseUrl: string;
  /** Where tokens live between page loads (default: memory). */
  storage?: SessionStorage;
  fetch?: typeof fetch;
  /** Refresh the access token when less than this is left (default 60 s). */
  refreshMarginMs?: number;
  /** The clock used for token expiry (tests move it). */
  now?: () => number;
  backoff?: Partial<Backoff>;
  WebSocket?: typeof WebSocket;
  /** Used for uploads, for their progress (default: the global one where there is one; null: never, fetch instead). */
  XMLHttpRequest?: UploadRequestClass | null;
}

type Api = ReturnType<typeof hc<AppType>>;
/** A stored file (media module), as `POST /v1/files` and `GET /v1/files/:id` return it. */
export type PlatformFile = InferResponseType<Api["v1"]["files"]["$post"], 201>;
export type FilePurpose = PlatformFile["purpose"];
type SignedUrl = InferResponseType<Api["v1"]["files"][":id"]["url"]["$get"], 200>;

export interface UploadOptions {
  purpose: FilePurpose;
  /** Shown to whoever downloads it (default: the server's name for it). */
  name?: string;
  visibility?: PlatformFile["visibility"];
  /** A recording's length and loudness (one base-32 digit per slice), shown with a voice message. */
  audio?: { durationMs: number; waveform?: string };
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

type SignedUrlQuery = NonNullable<InferRequestType<Api["v1"]["files"][":id"]["url"]["$get"]>["query"]>;
/** A resized variant of an image (sizes: 32, 64, 128, 256, 512, 1024, 2048). */
export interface FileVariant {
  width?: number;
  height?: number;
  fit?: SignedUrlQuery["fit"];
  format?: SignedUrlQuery["format"];
}

/** The problem document of a failed request (RFC 9457), with `mfaToken` when a login needs a second factor. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly problem: Record<string, unknown>,
  ) {
    super(detail);
  }
}

async function problemOf(response: Response): Promise<ProblemError> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return new ProblemError(response.status, String(body.code ?? "http_error"), String(body.detail ?? body.title ?? response.statusText), body);
}

type SuccessBody<R> = R extends { ok: true; json(): Promise<infer T> } ? T : never;

/** The body of a successful typed reply (its type picked from the route's 2xx responses), or a thrown ProblemError. */
export async function ok<R extends { ok: boolean; json(): Promise<unknown> }>(response: R | Promise<R>): Promise<SuccessBody<R>> {
  const resolved = await response;
  if (!resolved.ok) throw await problemOf(resolved as unknown as Response);
  // 204 No Content (a delete, a revoke): nothing to parse.
  if ((resolved as unknown as Response).status === 204) return undefined as SuccessBody<R>;
  return (await resolved.json()) as SuccessBody<R>;
}

export function createPlatformClient(options: PlatformClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/$/, "");
  const rawFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const session = new SessionKeeper({
    baseUrl,
    storage: options.storage ?? new MemorySessionStorage(),
    fetch: rawFetch,
    refreshMarginMs: options.refreshMarginMs,
    now: options.now,
  });

  // Every request carries a fresh access token; a 401 that is not a login answer gets one refresh and one retry.
  const authorized =
    (transport: FetchLike) =>
    async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
      const attempt = async () => {
        const headers = new Headers(init.headers);
        const token = await session.accessToken();
        if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
        return transport(input, { ...init, headers });
      };
      const response = await attempt();
      if (response.status !== 401 || !session.signedIn) return response;
      const code = (
        (await response
          .clone()
          .json()
          .catch(() => ({}))) as { code?: string }
      ).code;
      if (code === "session_revoked") {
        session.signOut("session_ended");
        return response;
      }
      if (code !== "invalid_token") return response;
      await session.refresh();
      return session.signedIn ? attempt() : response;
    };
  const authedFetch = authorized(rawFetch);

  const api: Api = hc<AppType>(baseUrl, { fetch: authedFetch });
  const XHR =
    options.XMLHttpRequest === undefined ? (globalThis as { XMLHttpRequest?: UploadRequestClass }).XMLHttpRequest : (options.XMLHttpRequest ?? undefined);
  const signedUrls = new Map<string, Promise<SignedUrl>>();
  const wsBase = baseUrl.replace(/^http/, "ws");

  async function ticketUrl(path: string, query: Record<string, string> = {}): Promise<string | null> {
    if (!session.signedIn) return null;
    const response = await api.v1.realtime.tickets.$post();
    if (response.status === 401) return null;
    const { ticket } = await ok(response);
    const params = new URLSearchParams({ ...query, ticket });
    return `${wsBase}${path}?${params}`;
  }

  function liveSocket(
    path: string,
    handlers: {
      onFrame: (frame: ServerFrame) => void;
      onStateChange?: (state: LiveSocketState) => void;
      onFinalClose?: (code: number, reason: string) => void;
    },
  ) {
    return new LiveSocket({ connectUrl: () => ticketUrl(path), backoff: options.backoff, WebSocket: options.WebSocket, ...handlers });
  }

  async function signIn(response: Response | Promise<Response>) {
    const resolved = await response;
    if (!resolved.ok) throw await problemOf(resolved);
    const body = (await resolved.json()) as TokenPair & { user: unknown };
    session.adopt(body);
    return body;
  }

  const client = {
    api,
    session,
    onSignedOut: (listener: (reason: SignedOutReason) => void) => session.onSignedOut(listener),

    register: (input: { email: string; password: string; displayName: string; inviteCode?: string }) =>
      signIn(rawFetch(`${baseUrl}/v1/auth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })),
    /** Throws ProblemError with code `mfa_required` and `problem.mfaToken` when the account has 2FA on. */
    login: (input: { email: string; password: string }) =>
      signIn(rawFetch(`${baseUrl}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })),
    loginMfa: (input: { mfaToken: string; code: string }) =>
      signIn(rawFetch(`${baseUrl}/v1/auth/login/mfa`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })),
    /** A phone number and the code texted to it (POST /v1/auth/phone/code); `mfa_required` as for `login`. */
    loginPhone: (input: { phone: string; code: string; region?: string }) =>
      signIn(rawFetch(`${baseUrl}/v1/auth/phone/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) })),
    /** A passkey's assertion (from @simplewebauthn/browser), first factor or, with the `mfaToken`, second. */
    loginPasskey: (input: { response: unknown; mfaToken?: string }) =>
      signIn(
        rawFetch(`${baseUrl}/v1/auth/passkeys/login/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) }),
      ),
    async logout(): Promise<void> {
      if (session.signedIn) await api.v1.auth.logout.$post().catch(() => undefined);
      session.signOut("logged_out");
    },

    /**
     * Uploads a file (`POST /v1/files`). `onProgress` follows the bytes as they are sent where
     * there is XMLHttpRequest (browsers); elsewhere it is called once, when the file is stored.
     * A refused file throws ProblemError (`415 unsupported_media_type`, `413 file_too_large`, ...).
     */
    async uploadFile(body: Blob, upload: UploadOptions): Promise<PlatformFile> {
      const onProgress = upload.onProgress ?? (() => undefined);
      const transport = XHR ? xhrFetch(XHR, onProgress) : fetchWithFinalProgress(rawFetch, onProgress, body.size);
      const query = {
        purpose: upload.purpose,
        visibility: upload.visibility ?? "private",
        ...(upload.name === undefined ? {} : { name: upload.name }),
        ...(upload.audio ? { durationMs: String(upload.audio.durationMs) } : {}),
        ...(upload.audio?.waveform ? { waveform: upload.audio.waveform } : {}),
      };
      const url = api.v1.files.$url({ query });
      const response = await authorized(transport)(url, {
        method: "POST",
        body,
        signal: upload.signal,
        headers: { "content-type": body.type || "application/octet-stream" },
      });
      if (response.status !== 201) throw await problemOf(response);
      return (await response.json()) as PlatformFile;
    },

    /**
     * Uploads a large file resumably (tus 1.0, `POST /v1/uploads`): chunks of `chunkSize` (8 MiB by
     * default), each resumed from the offset the server confirms when it breaks off; progress
     * follows the bytes where there is XMLHttpRequest. Resolves to the stored file, like `uploadFile`;
     * `signal` ends the upload on the server too.
     */
    async uploadResumable(body: Blob, upload: UploadOptions & { chunkSize?: number }): Promise<PlatformFile> {
      const metadata: Record<string, string> = { purpose: upload.purpose, visibility: upload.visibility ?? "private" };
      if (upload.name !== undefined) metadata.name = upload.name;
      let location: string;
      try {
        location = await tusUpload(
          {
            uploadsUrl: `${baseUrl}/v1/uploads`,
            send: (url, init, onProgress) => authorized(XHR && onProgress && init.body ? xhrFetch(XHR, onProgress) : rawFetch)(url, init),
          },
          body,
          { metadata, chunkSize: upload.chunkSize, onProgress: upload.onProgress, signal: upload.signal },
        );
      } catch (error) {
        throw error instanceof TusRefused ? await problemOf(error.response) : error;
      }
      // The last byte made the file; while another request is still finishing it the server says 423.
      for (let attempt = 0; ; attempt++) {
        const response = await authedFetch(location, { headers: { accept: "application/json" } });
        if (response.status === 423 && attempt < 10) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        const { fileId } = await ok(response as Response & { ok: true; json(): Promise<{ fileId: string | null }> });
        if (!fileId) throw new ProblemError(409, "upload_incomplete", "The upload has no file yet", {});
        return (await ok(api.v1.files[":id"].$get({ param: { id: fileId } }))) as PlatformFile;
      }
    },

    /**
     * Sends a video's bytes where `POST /v1/videos` said (`upload`): `PUT` raw bytes to this API
     * with the token (local development), `POST` a multipart `file` to Stream's one-time URL, or
     * `tus` to Stream's resumable URL (neither of Stream's gets the platform's token). `onProgress`
     * follows the bytes where there is XMLHttpRequest. The video then processes at Stream; its
     * status arrives as `video.updated` on the hub.
     */
    async uploadVideo(
      target: { method: "PUT" | "POST" | "tus"; url: string },
      body: Blob,
      upload: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal } = {},
    ): Promise<void> {
      const onProgress = upload.onProgress ?? (() => undefined);
      const transport = (size: number) => (XHR ? xhrFetch(XHR, onProgress) : fetchWithFinalProgress(rawFetch, onProgress, size));
      const url = new URL(target.url, baseUrl).toString();
      let response: Response;
      if (target.method === "PUT") {
        response = await authorized(transport(body.size))(url, {
          method: "PUT",
          body,
          signal: upload.signal,
          headers: { "content-type": body.type || "application/octet-stream" },
        });
      } else if (target.method === "POST") {
        const form = new FormData();
        form.append("file", body, body instanceof File ? body.name : "video");
        response = await transport(body.size)(url, { method: "POST", body: form as unknown as Blob, signal: upload.signal });
      } else {
        try {
          await tusUpload(
            { uploadsUrl: url, send: (to, init, progress) => (XHR && progress && init.body ? xhrFetch(XHR, progress) : rawFetch)(to, init) },
            body,
            { metadata: {}, onProgress, signal: upload.signal, chunkSize: 50 * 1024 * 1024, existingUpload: true },
          );
        } catch (error) {
          throw error instanceof TusRefused ? await problemOf(error.response) : error;
        }
        return;
      }
      if (!response.ok) throw await problemOf(response);
    },

    /**
     * A URL that serves a file's content (or a resized variant of an image) without a token, for
     * `<img src>` and download links. Kept and handed out again until a minute before it expires.
     */
    async fileUrl(fileId: string, variant: FileVariant = {}): Promise<string> {
      const query = Object.fromEntries(Object.entries(variant).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])));
      const key = `${fileId}?${new URLSearchParams(query)}`;
      const held = signedUrls.get(key);
      if (held) {
        const signed = await held.catch(() => null);
        if (signed && Date.parse(signed.expiresAt) - Date.now() > 60_000) return signed.url;
        if (signedUrls.get(key) === held) signedUrls.delete(key);
      }
      const asked = ok(api.v1.files[":id"].url.$get({ param: { id: fileId }, query }));
      signedUrls.set(key, asked);
      asked.catch(() => signedUrls.get(key) === asked && signedUrls.delete(key));
      return (await asked).url;
    },

    /** The user's hub: `call.incoming`, `call.state`, `chat.updated` on every device. */
    hub(onFrame: (frame: ServerFrame) => void, onStateChange?: (state: LiveSocketState) => void): LiveSocket {
      return liveSocket("/v1/realtime", { onFrame, onStateChange });
    },

    /** The signalling socket of one call. */
    callSocket(
      callId: string,
      onFrame: (frame: ServerFrame) => void,
      handlers: { onStateChange?: (state: LiveSocketState) => void; onFinalClose?: (code: number, reason: string) => void } = {},
    ): LiveSocket {
      return liveSocket(`/v1/calls/${encodeURIComponent(callId)}/ws`, { onFrame, ...handlers });
    },

    /** A group call's socket: opening it joins the call (docs/calls.md, "Group calls"). */
    groupCallSocket(
      callId: string,
      onFrame: (frame: ServerFrame) => void,
      handlers: { onStateChange?: (state: LiveSocketState) => void; onFinalClose?: (code: number, reason: string) => void } = {},
    ): LiveSocket {
      return liveSocket(`/v1/group-calls/${encodeURIComponent(callId)}/ws`, { onFrame, ...handlers });
    },

    /**
     * Opens a chat: the newest page, then the room socket; after every reconnect the messages
     * after the last seq held are fetched, and unacknowledged sends go out again.
     */
    chat(
      chatId: string,
      events: ChatChannelEvents = {},
      channelOptions: ChatChannelOptions & {
        /**
         * Sees every frame of the room socket before the channel does and hands it on with
         * `deliver`, possibly later (in order): an encrypted chat opens messages first, and keeps
         * its `mls.*` frames.
         */
        intercept?: (frame: ServerFrame, deliver: (frame: ServerFrame) => void) => void;
      } = {},
    ) {
      const messages = api.v1.chats[":id"].messages;
      const channel = new ChatChannel(
        chatId,
        {
          async after(seq) {
            const items: Message[] = [];
            let cursor: string | undefined;
            do {
              const page = await ok(messages.$get({ param: { id: chatId }, query: cursor ? { cursor, limit: "100" } : { after: String(seq), limit: "100" } }));
              items.push(...(page.items as Message[]));
              events.people?.(page.people as Person[]);
              cursor = page.nextCursor ?? undefined;
            } while (cursor);
            return items;
          },
          async before(before, limit) {
            const query = before === undefined ? { limit: String(limit) } : { before: String(before), limit: String(limit) };
            const page = await ok(messages.$get({ param: { id: chatId }, query }));
            events.people?.(page.people as Person[]);
            return { items: page.items as Message[], more: page.nextCursor !== null };
          },
        },
        events,
        channelOptions,
      );
      const deliver = (frame: ServerFrame) => channel.handleFrame(frame);
      const intercept = channelOptions.intercept;
      const socket = liveSocket(`/v1/chats/${encodeURIComponent(chatId)}/ws`, {
        onFrame: intercept ? (frame) => intercept(frame, deliver) : deliver,
        onStateChange: (state) => channel.handleState(state),
      });
      channel.attach(socket);
      return { channel, socket, start: () => socket.start(), stop: () => socket.stop() };
    },
  };
  return client;
}

export type PlatformClient = ReturnType<typeof createPlatformClient>;
