// The deployment at a glance: whether its database, file store and job queue answer (GET /ready),
// and the last hour's traffic, errors, speed and a few business figures (GET /v1/admin/metrics).
import { useEffect, useState } from "hono/jsx/dom";
import { ok } from "../../../client";
import { clockTime } from "../format";
import { ProblemNote } from "../problem-note";
import { platform } from "../platform";
import { problemText } from "../problem-text";

type Ready = {
  status: "ok" | "unavailable";
  checks: { d1: boolean; r2: boolean };
  queue: { backlogAgeSeconds: number | null; lastConsumedAt: string | null; deadLettersLastHour: number } | null;
};
type Minute = { requests: number; clientErrors: number; serverErrors: number; p50Seconds: number | null; p95Seconds: number | null };
type Summary = { windowMinutes: number; perMinute: Minute[]; routes: (Minute & { method: string; route: string })[]; counters: Record<string, number> };

/** Business counters worth a glance, by series name (every label summed), in words. */
const FIGURES: [series: string, words: string][] = [
  ["identity_logins_total", "Sign-ins"],
  ["identity_registrations_total", "New accounts"],
  ["chat_messages_stored_total", "Messages sent"],
  ["calls_total", "Calls started"],
  ["media_uploads_total", "Files uploaded"],
  ["push_sends_total", "Notifications sent"],
];

/** A counter over every label set: `name{...}` and bare `name` keys alike. */
const counterTotal = (counters: Record<string, number>, name: string) =>
  Object.entries(counters).reduce((sum, [key, value]) => (key === name || key.startsWith(`${name}{`) ? sum + value : sum), 0);

const millis = (seconds: number | null) => (seconds === null ? "no requests" : `${Math.round(seconds * 1000)} ms`);

function Check({ label, good, detail }: { label: string; good: boolean; detail: string }) {
  return (
    <li data-testid="health-check" data-good={good}>
      <span class={`dot ${good ? "good" : "bad"}`} aria-hidden="true" />
      <div class="grow">
        <strong>{label}</strong>
        <div class="muted small">{detail}</div>
      </div>
    </li>
  );
}

export function HealthPanel() {
  const [ready, setReady] = useState<Ready | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    setError(null);
    try {
      // 503 answers the same shape as 200: a dependency that does not answer is a finding, not an error.
      const [readiness, metrics] = await Promise.all([platform.api.ready.$get().then((r) => r.json() as Promise<Ready>), ok(platform.api.v1.admin.metrics.$get())]);
      setReady(readiness);
      setSummary(metrics as Summary);
    } catch (caught) {
      setError(problemText(caught, "Could not read the deployment's health."));
    }
  };
  useEffect(() => void load(), []);
  const minutes = summary?.perMinute ?? [];
  const requests = minutes.reduce((sum, m) => sum + m.requests, 0);
  const serverErrors = minutes.reduce((sum, m) => sum + m.serverErrors, 0);
  const clientErrors = minutes.reduce((sum, m) => sum + m.clientErrors, 0);
  const p95 = minutes.reduce<number | null>((worst, m) => (m.p95Seconds === null ? worst : Math.max(worst ?? 0, m.p95Seconds)), null);
  const busiest = [...(summary?.routes ?? [])].sort((a, b) => b.requests - a.requests).slice(0, 5);
  const queue = ready?.queue;
  return (
    <div class="stack">
      {ready && (
        <section aria-labelledby="health-now">
          <h3 id="health-now">{ready.status === "ok" ? "Everything answers" : "Something does not answer"}</h3>
          <ul class="security-list health-checks">
            <Check label="Database" good={ready.checks.d1} detail={ready.checks.d1 ? "Answers" : "Does not answer"} />
            <Check label="File storage" good={ready.checks.r2} detail={ready.checks.r2 ? "Answers" : "Does not answer"} />
            <Check
              label="Background jobs"
              good={!!queue && queue.deadLettersLastHour === 0}
              detail={
                !queue
                  ? "Not known while the database does not answer"
                  : `${queue.lastConsumedAt ? `Last job taken at ${clockTime(queue.lastConsumedAt)}` : "No job taken this hour"} · ${
                      queue.deadLettersLastHour === 0 ? "none failed" : `${queue.deadLettersLastHour} failed after every retry`
                    }`
              }
            />
          </ul>
        </section>
      )}
      {summary && (
        <section aria-labelledby="health-hour">
          <h3 id="health-hour">The last {summary.windowMinutes} minutes</h3>
          <dl class="admin-figures">
            <div>
              <dt>Requests</dt>
              <dd data-testid="figure-requests">{requests.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Server errors</dt>
              <dd>{requests > 0 ? `${serverErrors.toLocaleString()} (${((serverErrors / requests) * 100).toFixed(1)}%)` : "0"}</dd>
            </div>
            <div>
              <dt>Refused requests</dt>
              <dd>{clientErrors.toLocaleString()}</dd>
            </div>
            <div>
              <dt>Slowest minute, 95th percentile</dt>
              <dd>{millis(p95)}</dd>
            </div>
            {FIGURES.map(([series, words]) => (
              <div key={series}>
                <dt>{words}</dt>
                <dd>{counterTotal(summary.counters, series).toLocaleString()}</dd>
              </div>
            ))}
          </dl>
          {busiest.length > 0 && (
            <>
              <h3>Busiest endpoints</h3>
              <ul class="security-list">
                {busiest.map((route) => (
                  <li key={`${route.method} ${route.route}`}>
                    <div class="grow">
                      <strong>
                        {route.method} {route.route}
                      </strong>
                      <div class="muted small">
                        {route.requests.toLocaleString()} requests · {route.serverErrors} server errors · 95th percentile {millis(route.p95Seconds)}
                      </div>
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
      <div class="row end">
        <button type="button" class="secondary small" onClick={() => void load()}>
          Check again
        </button>
      </div>
      <ProblemNote text={error} />
    </div>
  );
}
