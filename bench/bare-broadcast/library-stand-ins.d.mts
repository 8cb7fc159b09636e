// Types for library-stand-ins.mjs, so TypeScript tests can import it.
/** The libraries replaced: every import of them in the realtime Worker's bundle. */
export const REPLACED_LIBRARIES: readonly string[];
/** Writes a stand-in module per library into `dir`; the alias map (library -> file) a bundler takes. */
export function writeStandIns(dir: string): Promise<Record<string, string>>;
/** Writes the stand-ins and the bare room's wrangler config that aliases the libraries to them; the config's path. */
export function writeConfigWithStandIns(dir: string): Promise<string>;
