/** The cron patterns of a wrangler config's `[triggers]`. */
export function cronsOf(configPath: string): string[];
/** Whether a five-field cron pattern fires at `date` (its UTC minute). */
export function cronMatches(pattern: string, date: Date): boolean;
/** Fires `crons` at `origin` on their schedule until `stop()`. */
export function startCronTicker(options: { origin: string; crons: string[]; log?: (line: string) => void }): { stop: () => void };
