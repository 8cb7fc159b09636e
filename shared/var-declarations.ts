import { z } from "zod";
import { parseRateLimit, type RateLimit } from "./rate-limit-windows";

/**
 * How a module declares its vars (`shared/<module>/vars.ts`): each var once, with the parser that
 * keeps the fallback the platform has always had for a missing or unusable value, what it means,
 * and whether it is a secret. `shared/config.ts` composes the modules' declarations into the typed
 * config; `npm run docs:generate` writes docs/configuration.md from the same declarations.
 */
export interface VarDeclaration<Out = unknown> {
  /** Every var arrives as a string (or not at all); anything else fails the parse, naming the var. */
  schema: z.ZodType<Out, string | undefined>;
  /** What the value looks like, for docs/configuration.md. */
  type: string;
  description: string;
  /** A secret: set with `wrangler secret put` (or .dev.vars), never in wrangler.toml. */
  secret: boolean;
}

export interface VarMeta {
  description: string;
  secret?: boolean;
}

type Declarations = Record<string, VarDeclaration>;

/** A module's vars, by name. */
export function defineVars<const T extends Declarations>(vars: T): T {
  return vars;
}

/**
 * A declaration whose parser is built on first use: every isolate imports every module's vars
 * (the one typed config), and building some 130 parsers at import was startup CPU each cold
 * isolate paid before its first byte (bench:startup).
 */
const declare = <Out>(build: () => z.ZodType<Out, string | undefined>, type: string, meta: VarMeta): VarDeclaration<Out> => {
  let schema: z.ZodType<Out, string | undefined> | undefined;
  return {
    get schema() {
      schema ??= build();
      return schema;
    },
    type,
    description: meta.description,
    secret: meta.secret ?? false,
  };
};

/** Text; missing means `fallback`. */
export const textVar = (fallback: string, meta: VarMeta) =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) => value ?? fallback),
    "text",
    meta,
  );

/** Text that may be missing (undefined). */
export const optionalTextVar = (meta: VarMeta, type = "text") => declare(() => z.string().optional(), type, meta);

/** `Number(value) || fallback`: a missing, zero or non-numeric value means the default. */
export const numberOrVar = (fallback: number, meta: VarMeta, type = "number") =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) => Number(value) || fallback),
    type,
    meta,
  );

/** A number that `usable` accepts; anything else (or nothing) means `fallback`. */
export const numberWhereVar = (fallback: number, usable: (n: number) => boolean, meta: VarMeta, type = "number") =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) => {
          const n = Number(value);
          return value !== undefined && usable(n) ? n : fallback;
        }),
    type,
    meta,
  );

/** A comma list, items trimmed, empty items dropped. */
export const listVar = (fallback: string, meta: VarMeta) =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) =>
          (value ?? fallback)
            .split(",")
            .map((item) => item.trim())
            .filter(Boolean),
        ),
    "comma list",
    meta,
  );

/** A "count/seconds" limit such as "10/900"; an unusable value means `fallback`. */
export const rateLimitVar = (fallback: RateLimit, meta: VarMeta) =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) => parseRateLimit(value, fallback)),
    "count/seconds",
    meta,
  );

/** A flag: with `on` as its default only "false" turns it off, otherwise only "true" turns it on (any case, trimmed). */
export const flagVar = (on: boolean, meta: VarMeta) =>
  declare(
    () =>
      z
        .string()
        .optional()
        .transform((value) => {
          const text = (value ?? "").trim().toLowerCase();
          return on ? text !== "false" : text === "true";
        }),
    "true/false",
    meta,
  );

/** A var with its own parser (flags, enumerations, JSON), built on first use. */
export const customVar = <Out>(build: () => z.ZodType<Out, string | undefined>, type: string, meta: VarMeta) => declare(build, type, meta);

/**
 * Every module's var declarations by module name; each `shared/<module>/vars.ts` adds its entry
 * by declaration merging (`declare module "../var-declarations" { interface VarCatalogue {
 * chat: typeof chatVars } }`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface VarCatalogue {}

/**
 * Every module's sections of the typed config by module name (`chat: ReturnType<typeof
 * chatConfig>`), added beside its vars. A section may add keys to a section another module also
 * fills (`rateLimits`): the config is the intersection of them all.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ConfigSections {}

type UnionToIntersection<U> = (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void ? I : never;
type ParsedOf<T> = { [K in keyof T]: T[K] extends VarDeclaration<infer Out> ? Out : never };

/** Every var, parsed: what a module's config section is built from (it may read other modules' vars). */
export type ParsedVars = UnionToIntersection<{ [M in keyof VarCatalogue]: ParsedOf<VarCatalogue[M]> }[keyof VarCatalogue]>;

/** The typed configuration: every module's sections together. */
export type Config = UnionToIntersection<ConfigSections[keyof ConfigSections]>;

/** The name of every declared var. */
export type VarName = { [M in keyof VarCatalogue]: keyof VarCatalogue[M] & string }[keyof VarCatalogue];

/** One module's part of the configuration: its vars and the config sections it builds from them. */
export interface VarSection {
  module: string;
  vars: Declarations;
  config: (vars: ParsedVars) => object;
}

/** A module's part of the configuration; `config` returns the module's sections of `Config`. */
export function varSection<const M extends keyof VarCatalogue & keyof ConfigSections>(
  module: M,
  vars: VarCatalogue[M],
  config: (vars: ParsedVars) => ConfigSections[M],
): VarSection {
  return { module, vars: vars as Declarations, config };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Merges the sections of several modules; a plain object two modules fill (`rateLimits`) is merged, anything else set twice is a mistake. */
function mergeSections(into: Record<string, unknown>, section: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(section)) {
    const existing = into[key];
    if (existing === undefined) into[key] = isPlainObject(value) ? { ...value } : value;
    else if (isPlainObject(existing) && isPlainObject(value)) mergeSections(existing, value, `${path}${key}.`);
    else throw new Error(`config key ${path}${key} is built by two modules`);
  }
}

/** The parser of the whole configuration from the modules' sections. */
export function composeConfig(sections: readonly VarSection[]) {
  const shape: Record<string, VarDeclaration["schema"]> = {};
  for (const section of sections) {
    for (const [name, declaration] of Object.entries(section.vars)) {
      if (shape[name]) throw new Error(`var ${name} is declared twice`);
      shape[name] = declaration.schema;
    }
  }
  const vars = z.object(shape);
  return {
    safeParse(env: object): { success: true; data: Config } | { success: false; error: z.ZodError } {
      const result = vars.safeParse(env);
      if (!result.success) return { success: false, error: result.error };
      const config: Record<string, unknown> = {};
      for (const section of sections) mergeSections(config, section.config(result.data as ParsedVars) as Record<string, unknown>, "");
      return { success: true, data: config as Config };
    },
  };
}
