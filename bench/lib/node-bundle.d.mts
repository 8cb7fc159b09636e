// Types for node-bundle.mjs, so TypeScript tests can import it.
import type { Metafile } from "esbuild";
export function bundleForNode(options: { source: string; outfile: string; aliases?: Record<string, string> }): Promise<Metafile>;
