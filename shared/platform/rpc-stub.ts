/**
 * Lets go of an RPC stub a binding handed out (Stream's handle for one video, its downloads, its
 * video list). The other side keeps what a stub stands for until the stub is disposed, and workerd
 * warns "An RPC stub was not disposed properly" about one left to the garbage collector. The
 * binding's types do not declare the stubs disposable, and a test's stand-in for a binding is a
 * plain object, so a value without `Symbol.dispose` is left alone.
 */
export function disposeStub(stub: object): void {
  const dispose = (stub as { [Symbol.dispose]?: () => void })[Symbol.dispose];
  if (typeof dispose === "function") dispose.call(stub);
}

/** Runs `use` with a stub a binding handed out, then disposes of it. */
export async function withStub<S extends object, T>(stub: S, use: (stub: S) => Promise<T>): Promise<T> {
  try {
    return await use(stub);
  } finally {
    disposeStub(stub);
  }
}
