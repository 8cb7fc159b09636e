// Types for local-wrangler-env.mjs, so TypeScript scripts (bench/search.ts) can import it.
export function localWranglerEnv(session: string): NodeJS.ProcessEnv;
