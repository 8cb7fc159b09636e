import { z } from "zod";

/** Stream's token `accessRules`: evaluated in order, the first match decides. */
const accessRuleSchema = () =>
  z.discriminatedUnion("type", [
    z.object({ type: z.literal("any"), action: z.enum(["allow", "block"]) }).strict(),
    z.object({ type: z.literal("ip.src"), action: z.enum(["allow", "block"]), ip: z.array(z.string().min(1)).min(1) }).strict(),
    z.object({ type: z.literal("ip.geoip.country"), action: z.enum(["allow", "block"]), country: z.array(z.string().length(2)).min(1) }).strict(),
  ]);
export type AccessRule = z.infer<ReturnType<typeof accessRuleSchema>>;

/**
 * VIDEO_TOKEN_ACCESS_RULES: empty means none. A value that is set but unusable stops the Worker
 * from starting, rather than silently minting tokens without the restrictions it asked for.
 */
export function parseAccessRules(value: string | undefined): AccessRule[] | undefined {
  if (!value?.trim()) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new Error("VIDEO_TOKEN_ACCESS_RULES is not JSON");
  }
  // Built here, when the var is parsed (once per isolate), not when the config module is imported.
  const parsed = z.array(accessRuleSchema()).min(1).max(10).safeParse(json);
  if (!parsed.success) throw new Error(`VIDEO_TOKEN_ACCESS_RULES: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}
