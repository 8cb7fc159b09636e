import { z } from "zod";
import { customVar, defineVars, type ParsedVars, varSection } from "../var-declarations";

/** The vars of AI moderation hints (docs/media.md, "AI moderation hints"). */
export const moderationHintVars = defineVars({
  MODERATION_HINT_MODEL: customVar(
    () =>
      z
        .string()
        .optional()
        .transform((value) => value?.trim() ?? "dev-text"),
    "text",
    {
      description:
        "The studio model (id) asked for an advisory moderation hint on every uploaded picture and video (`dev-text` exists in development only); empty turns hints off.",
    },
  ),
});

function moderationHintConfig(v: ParsedVars) {
  return {
    moderationHints: {
      /** The studio model asked for hints; empty: no hints are asked for. */
      model: v.MODERATION_HINT_MODEL,
    },
  };
}

export const moderationHintVarSection = varSection("moderationHints", moderationHintVars, moderationHintConfig);

declare module "../var-declarations" {
  interface VarCatalogue {
    moderationHints: typeof moderationHintVars;
  }
  interface ConfigSections {
    moderationHints: ReturnType<typeof moderationHintConfig>;
  }
}
