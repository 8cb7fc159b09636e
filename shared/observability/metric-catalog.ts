/**
 * Every series the platform records, declared once: its type, help text and label names. Label
 * values come from closed sets (route templates, status classes, job kinds, outcomes), never
 * from user input, so the number of series stays bounded (docs/observability.md lists them).
 */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface SeriesSpec {
  type: "counter" | "histogram" | "gauge";
  help: string;
  labels: readonly string[];
}

export const METRIC_CATALOG = {
  http_requests_total: { type: "counter", help: "HTTP requests by method, route template and status class", labels: ["method", "route", "status_class"] },
  http_request_duration_seconds: {
    type: "histogram",
    help: "Time from receiving a request to its response, by method, route template and status class",
    labels: ["method", "route", "status_class"],
  },
  d1_queries_total: {
    type: "counter",
    help: "D1 statements run, by the module whose table each names (a batch counts each of its statements)",
    labels: ["module"],
  },
  d1_query_duration_seconds: {
    type: "histogram",
    help: "D1 round trips (a statement or a batch) by module (a batch under its first statement's module)",
    labels: ["module"],
  },
  d1_replica_lag_seconds: {
    type: "gauge",
    help: "How far the read replica that answered a lag probe was behind the primary (AUTH_SESSION_READS=replica), by D1 region (primary: the primary answered)",
    labels: ["region"],
  },
  d1_replica_fallbacks_total: {
    type: "counter",
    help: "Replica-eligible reads sent to the primary, by reason: lag (past REPLICA_MAX_LAG_MS) or unmeasured (no fresh lag reading)",
    labels: ["reason"],
  },
  d1_replica_probe_failures_total: { type: "counter", help: "Replica lag probes that failed (the reading ages out and reads go to the primary)", labels: [] },
  identity_token_validations_total: {
    type: "counter",
    help: "Access tokens checked, by outcome: ok (signature and session live), expired, revoked (its session ended), forged (signature, issuer, audience, lifetime or form wrong)",
    labels: ["outcome"],
  },
  identity_registrations_total: { type: "counter", help: "Accounts registered", labels: [] },
  identity_logins_total: { type: "counter", help: "Login attempts by result", labels: ["result"] },
  identity_refresh_reuse_total: { type: "counter", help: "Spent refresh tokens presented again (the session is revoked)", labels: [] },
  identity_lockouts_total: { type: "counter", help: "Failed logins that locked an address", labels: [] },
  identity_mfa_failures_total: { type: "counter", help: "Wrong second-factor codes at login", labels: [] },
  chat_messages_stored_total: { type: "counter", help: "Chat messages stored", labels: [] },
  calls_total: { type: "counter", help: "Calls by final outcome", labels: ["outcome"] },
  call_quality_reports_total: {
    type: "counter",
    help: "End-of-call reports from clients by the ICE candidate type their media used (host, srflx, prflx, relay, unknown): relay / total is the TURN share",
    labels: ["candidate_type", "kind"],
  },
  call_setup_seconds: { type: "histogram", help: "Time from joining or answering a call until media flowed, as clients report it", labels: ["kind"] },
  call_rtt_seconds: { type: "histogram", help: "Round-trip time of the media path at the end of a call, as clients report it", labels: ["kind"] },
  group_calls_total: { type: "counter", help: "Group calls started, by type (voice, video)", labels: ["type"] },
  group_call_sfu_requests_total: {
    type: "counter",
    help: "SFU requests of group call participants by frame type and result (ok, refused by the room, failed at the SFU)",
    labels: ["type", "result"],
  },
  group_calls_ended_total: { type: "counter", help: "Group calls ended, by whether anyone joined (yes, no)", labels: ["joined"] },
  push_sends_total: {
    type: "counter",
    help: "Push requests to push services by device kind and outcome (delivered, gone, retry, refused)",
    labels: ["kind", "result"],
  },
  media_uploads_total: { type: "counter", help: "Files uploaded", labels: [] },
  media_upload_bytes_total: { type: "counter", help: "Bytes of files uploaded", labels: [] },
  media_upload_finish_failures_total: {
    type: "counter",
    help: "Finishing steps of fully received tus uploads that failed, by outcome (retried, given_up)",
    labels: ["outcome"],
  },
  studio_generations_total: { type: "counter", help: "AI generations by outcome", labels: ["outcome"] },
  queue_jobs_total: { type: "counter", help: "Queue jobs handled by kind and result (ok, retry)", labels: ["kind", "result"] },
  queue_retries_total: { type: "counter", help: "Queue jobs sent back for a retry, by kind", labels: ["kind"] },
  queue_dead_letters_total: { type: "counter", help: "Queue jobs that exhausted their retries, by kind", labels: ["kind"] },
  queue_oldest_message_age_seconds: {
    type: "gauge",
    help: "Age of the oldest message the queue consumer received in the last minute it ran",
    labels: [],
  },
  // video
  video_views_total: {
    type: "counter",
    help: "Video views received, by result (counted, repeat within 24 h, owner: the owner's own, never counted)",
    labels: ["result"],
  },
  video_view_flushes_total: { type: "counter", help: "D1 writes of video view totals (one per video per flush)", labels: [] },
} as const satisfies Record<string, SeriesSpec>;

export type MetricName = keyof typeof METRIC_CATALOG;
type SpecOf<N extends MetricName> = (typeof METRIC_CATALOG)[N];
export type CounterName = { [N in MetricName]: SpecOf<N>["type"] extends "counter" ? N : never }[MetricName];
export type HistogramName = { [N in MetricName]: SpecOf<N>["type"] extends "histogram" ? N : never }[MetricName];
export type GaugeName = { [N in MetricName]: SpecOf<N>["type"] extends "gauge" ? N : never }[MetricName];

/** The labels a series takes, all required. */
export type LabelsOf<N extends MetricName> = { [L in SpecOf<N>["labels"][number]]: string };

/** `200` -> `"2xx"`. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}
