import { connect, createServer, type Socket } from "node:net";

export interface CuttingProxy {
  /** The proxy's base URL: requests sent here reach the dev server. */
  url: string;
  /**
   * Cuts the next request that starts on any connection once `afterBodyBytes` bytes of its body
   * have gone through: the bytes before go on, the rest is held back, and the connection to the
   * dev server and to the client are destroyed once `beforeCut` resolves. Socket buffers on the
   * way hold megabytes, so a test waits there until the server shows it has read what it needs.
   */
  cutNext(afterBodyBytes: number, beforeCut?: () => Promise<void>): void;
  /** How many requests it has cut. */
  cuts(): number;
  close(): Promise<void>;
}

interface PlannedCut {
  afterBodyBytes: number;
  beforeCut: () => Promise<void>;
}

/**
 * A TCP proxy to the dev server on `targetPort` that drops a request's connection in the middle of
 * its body: a network drop on a real socket. The dev server logs the broken body in its own
 * output, which the test keeps; the same cut inside the workerd test pool is logged into the
 * test run's output, which nothing there can filter.
 */
export async function cuttingProxy(listenPort: number, targetPort: number): Promise<CuttingProxy> {
  let planned: PlannedCut | null = null;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    // The request being cut on this connection: bytes seen since it started, and where its body starts.
    let cutting: (PlannedCut & { seen: number; head: Buffer; cutAt: number | null }) | null = null;
    let held = false;
    client.on("data", (chunk: Buffer) => {
      if (held) return;
      if (!cutting && planned) {
        cutting = { ...planned, seen: 0, head: Buffer.alloc(0), cutAt: null };
        planned = null;
      }
      if (!cutting) {
        upstream.write(chunk);
        return;
      }
      const start = cutting.seen;
      cutting.seen += chunk.length;
      if (cutting.cutAt === null) {
        cutting.head = Buffer.concat([cutting.head, chunk]);
        const end = cutting.head.indexOf("\r\n\r\n");
        if (end >= 0) cutting.cutAt = end + 4 + cutting.afterBodyBytes;
      }
      if (cutting.cutAt === null || cutting.seen <= cutting.cutAt) {
        upstream.write(chunk);
        return;
      }
      if (cutting.cutAt > start) upstream.write(chunk.subarray(0, cutting.cutAt - start));
      held = true;
      cuts += 1;
      client.pause();
      void cutting.beforeCut().finally(() => {
        client.destroy();
        upstream.destroy();
      });
    });
    upstream.on("data", (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${listenPort}`,
    cutNext: (afterBodyBytes, beforeCut = async () => undefined) => {
      planned = { afterBodyBytes, beforeCut };
    },
    cuts: () => cuts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
