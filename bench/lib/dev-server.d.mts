// Types for dev-server.mjs, so TypeScript tests (test/e2e) can import it.
export interface DevServer {
  url: string;
  output: () => string;
  /** Rows of an SQL query on the server's local D1 (a read, or a test's set-up of a state no endpoint makes). */
  query: (sql: string) => Record<string, unknown>[];
  stop: () => Promise<void>;
}
/** A fixed port moved by TEST_PORT_OFFSET (several checkouts test on one machine). */
export function testPort(base: number): number;
export function startDevServer(options: {
  port: number;
  name: string;
  vars?: Record<string, string>;
  fresh?: boolean;
  testScheduled?: boolean;
  inspectorPort?: number;
  /** Flags for the runtime's V8; what they print joins the server's output. */
  v8Flags?: string;
}): Promise<DevServer>;
export function startBenchWorker(options: {
  port: number;
  name: string;
  config: string;
  vars?: Record<string, string>;
  inspectorPort?: number;
  /** Flags for the runtime's V8; what they print joins the server's output. */
  v8Flags?: string;
}): Promise<Omit<DevServer, "query">>;
/** Throws when something already listens on `port` (a server an interrupted run left behind). */
export function refuseBusyPort(port: number, what?: string): Promise<void>;
export function percentile(sorted: number[], p: number): number;
export function summarize(samples: number[]): { n: number; p50: number; p99: number; min: number; max: number };
export function fmt(ms: number): string;
/** The smallest and largest of `values` as "a-b unit" (one decimal), or "-" for none. */
export function span(values: number[], unit: string): string;
