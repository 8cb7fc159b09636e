import { defineErrors } from "../http/errors";

/** The error codes of AI moderation hints. */
export const moderationHintErrors = defineErrors({
  hint_pending: { status: 409, description: "The AI model has not answered on the item yet, so there is no hint to keep it against; try once it has." },
});

declare module "../http/errors" {
  interface ErrorCatalogue {
    moderationHints: typeof moderationHintErrors;
  }
}
