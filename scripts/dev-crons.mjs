// npm run dev's cron ticker. `wrangler dev` never fires the Worker's cron triggers by itself, so
// locally retention, scheduled publication, saved-search mails and the back-channel logout sweep
// would never run. This fires each `[triggers] crons` pattern of wrangler.toml on its schedule
// (UTC, as Cloudflare does), through the scheduled-event endpoint `wrangler dev` serves.
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";

/**
 * The scheduled-event endpoints: `/cdn-cgi/handler/scheduled` (newer wranglers may serve it),
 * `/cdn-cgi/local/scheduled` (the Miniflare of the wrangler this repository pins). The first
 * that does not answer 404 is kept.
 */
const ENDPOINTS = ["/cdn-cgi/handler/scheduled", "/cdn-cgi/local/scheduled"];

/** The cron patterns of a wrangler config's `[triggers]`. */
export function cronsOf(configPath) {
  const config = parse(readFileSync(configPath, "utf8"));
  return config.triggers?.crons ?? [];
}

const RANGES = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/** Whether one field (`*`, `*\/5`, `3`, `1-5`, `1,15`, `10-40/10`) allows `value`. */
function fieldAllows(field, value, [low, high]) {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = range === "*" ? [low, high] : range.split("-").map(Number);
    if (to === undefined) to = stepText === undefined ? from : high;
    return value >= from && value <= to && (value - from) % step === 0;
  });
}

/**
 * Whether a five-field cron pattern fires at `date` (its UTC minute). Day of month and day of
 * week follow cron's rule: when both are restricted, either one matching is enough.
 */
export function cronMatches(pattern, date) {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`cron pattern "${pattern}" is not five fields`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  const weekday = date.getUTCDay();
  const dayOk = (() => {
    const byMonthDay = fieldAllows(dayOfMonth, date.getUTCDate(), RANGES[2]);
    const byWeekDay = fieldAllows(dayOfWeek, weekday, RANGES[4]) || (weekday === 0 && fieldAllows(dayOfWeek, 7, RANGES[4]));
    if (dayOfMonth !== "*" && dayOfWeek !== "*") return byMonthDay || byWeekDay;
    return byMonthDay && byWeekDay;
  })();
  return (
    fieldAllows(minute, date.getUTCMinutes(), RANGES[0]) &&
    fieldAllows(hour, date.getUTCHours(), RANGES[1]) &&
    fieldAllows(month, date.getUTCMonth() + 1, RANGES[3]) &&
    dayOk
  );
}

/**
 * Fires `crons` at `origin` on their schedule until `stop()`: at each minute's start, every pattern
 * that matches the minute, with that minute as its scheduled time. A server not answering yet
 * (starting, reloading) is retried at the next minute; a failed run is reported in one line.
 * @param {{ origin: string, crons: string[], log?: (line: string) => void }} options
 */
export function startCronTicker({ origin, crons, log = (line) => console.log(line) }) {
  let endpoint;
  let timer;
  const fire = async (cron, time) => {
    for (const path of endpoint ? [endpoint] : ENDPOINTS) {
      const response = await fetch(`${origin}${path}?cron=${encodeURIComponent(cron)}&time=${time}`);
      const outcome = await response.text();
      if (response.status === 404 && !endpoint) continue;
      endpoint = path;
      if (!response.ok) log(`[crons] "${cron}" failed: ${outcome.slice(0, 200)}`);
      return;
    }
    log(`[crons] this wrangler serves no scheduled-event endpoint (${ENDPOINTS.join(", ")}); crons are not ticking`);
  };
  const tick = () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    for (const cron of crons) {
      if (cronMatches(cron, new Date(minute))) fire(cron, minute).catch(() => {});
    }
    schedule();
  };
  // A quarter second past the minute, so the scheduled time is never ahead of the Worker's clock.
  const schedule = () => {
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 250);
    timer.unref?.();
  };
  if (crons.length > 0) {
    log(`[crons] wrangler dev does not fire cron triggers; this ticks them on their schedule (UTC): ${crons.join(", ")}`);
    schedule();
  }
  return { stop: () => clearTimeout(timer) };
}
