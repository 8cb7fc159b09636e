import { observabilityVarSection } from "../../shared/observability/vars";
import { defineModule, mount } from "../module-manifest";

/** Tracing, the Prometheus /metrics endpoint and the admins' metrics summary. */
export const observabilityModule = defineModule({
  name: "observability",
  routes: {
    metrics: mount("/", async () => (await import("../api/routes/metrics")).metricsRoutes),
    adminMetrics: mount("/v1/admin", async () => (await import("../api/routes/metrics")).adminMetricsRoutes),
  },
  vars: observabilityVarSection,
});
