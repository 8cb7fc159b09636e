import { observabilityVarSection } from "../../shared/observability/vars";
import { adminMetricsRoutes, metricsRoutes } from "../api/routes/metrics";
import { defineModule, mount } from "../module-manifest";

/** Tracing, the Prometheus /metrics endpoint and the admins' metrics summary. */
export const observabilityModule = defineModule({
  name: "observability",
  routes: {
    metrics: mount("/", metricsRoutes),
    adminMetrics: mount("/v1/admin", adminMetricsRoutes),
  },
  vars: observabilityVarSection,
});
