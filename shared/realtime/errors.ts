import { defineErrors } from "../http/errors";

/** The error codes of socket upgrades. */
export const realtimeErrors = defineErrors({
  upgrade_required: { status: 426, description: "A socket route was called without a WebSocket upgrade." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    realtime: typeof realtimeErrors;
  }
}
