/**
 * Node's fetch keeps connections alive and reuses one for the next request. The dev server
 * (wrangler's proxy in front of workerd) sometimes closes a connection right after an answer,
 * for instance one it gave before reading the whole body of a large upload; a request sent on it
 * at that moment fails with "other side closed" (UND_ERR_SOCKET) before the server saw it. That
 * is a race of the client's pool, not an answer of the server, and it failed CI twice (a GET in
 * media-cut-bodies, a POST in media-tus-client). Every request of these tests therefore goes on a
 * connection of its own (`connection: close`): nothing is reused, so nothing can race. What a
 * test sends is otherwise unchanged, so a test of a cut body still sees the cut.
 */
const send = globalThis.fetch;

globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set("connection", "close");
  return send(input, { ...init, headers });
};
