/**
 * Node's fetch keeps connections alive and reuses an idle one for the next request. When the dev
 * server closes an idle connection at the moment the test sends on it, the request fails with
 * "other side closed" (UND_ERR_SOCKET) before the server saw it: a race of the client's pool, not
 * an answer of the server. Browsers resend such a request by themselves; here a request without a
 * body (GET, HEAD, DELETE) is sent once more on a fresh connection. A request with a body is never
 * resent, so a test of what the server does with a cut body still sees the cut.
 */
const send = globalThis.fetch;

function lostIdleConnection(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return error instanceof TypeError && cause?.code === "UND_ERR_SOCKET";
}

globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  try {
    return await send(input, init);
  } catch (error) {
    const hasBody = init?.body != null || (input instanceof Request && input.body != null);
    if (hasBody || !lostIdleConnection(error)) throw error;
    return send(input, init);
  }
};
