// A model's parameters as a form built from its paramsSchema (a JSON Schema of an object): a
// number field per integer or number, a list for an enum, a checkbox for a boolean, a text field
// for a string, JSON for the rest. Values are checked here before anything is sent.
import type { JSX } from "hono/jsx/dom/jsx-runtime";
import type { JsonSchema } from "./studio-api";

export type ParamValues = Record<string, string | boolean>;

const typeOf = (schema: JsonSchema) => (Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type);

const words = (name: string) =>
  name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .replace(/^./, (c) => c.toUpperCase());

export const fieldLabel = (name: string, schema: JsonSchema) => schema.title ?? words(name);

/** The form's first values: each field's default, else empty. */
export function initialValues(schema: JsonSchema): ParamValues {
  const values: ParamValues = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const fallback = field.default;
    if (typeOf(field) === "boolean") values[name] = fallback === true;
    else if (fallback === undefined) values[name] = "";
    else values[name] = typeof fallback === "object" ? JSON.stringify(fallback) : String(fallback);
  }
  return values;
}

/** The params to send, or the problems found (by field name). Empty optional fields are left out. */
export function readParams(schema: JsonSchema, values: ParamValues): { params: Record<string, unknown> } | { problems: Record<string, string> } {
  const params: Record<string, unknown> = {};
  const problems: Record<string, string> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const raw = values[name];
    const type = typeOf(field);
    if (type === "boolean") {
      params[name] = raw === true;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (required.has(name)) problems[name] = "Required";
      continue;
    }
    let value: unknown = text;
    if (type === "integer" || type === "number") {
      const number = Number(text);
      if (!Number.isFinite(number)) problems[name] = "A number";
      else if (type === "integer" && !Number.isInteger(number)) problems[name] = "A whole number";
      else if (field.minimum !== undefined && number < field.minimum) problems[name] = `At least ${field.minimum}`;
      else if (field.maximum !== undefined && number > field.maximum) problems[name] = `At most ${field.maximum}`;
      value = number;
    } else if (type === "string") {
      if (field.minLength !== undefined && text.length < field.minLength) problems[name] = `At least ${field.minLength} characters`;
      if (field.maxLength !== undefined && text.length > field.maxLength) problems[name] = `At most ${field.maxLength} characters`;
    } else if (type !== undefined || field.enum === undefined) {
      try {
        value = JSON.parse(text);
      } catch {
        problems[name] = "Valid JSON";
      }
      if (type === "object" && (value === null || typeof value !== "object" || Array.isArray(value))) problems[name] ??= "A JSON object";
      if (type === "array" && !Array.isArray(value)) problems[name] ??= "A JSON array";
    }
    if (field.enum && !field.enum.some((option) => String(option) === text)) problems[name] = "One of the listed values";
    if (field.enum) value = field.enum.find((option) => String(option) === text);
    if (!(name in problems)) params[name] = value;
  }
  return Object.keys(problems).length > 0 ? { problems } : { params };
}

export function ParamsForm({
  schema,
  values,
  problems,
  onChange,
}: {
  schema: JsonSchema;
  values: ParamValues;
  problems: Record<string, string>;
  onChange: (values: ParamValues) => void;
}) {
  const fields = Object.entries(schema.properties ?? {});
  if (fields.length === 0) return <p class="muted small">This model takes no settings.</p>;
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <fieldset class="studio-params">
      <legend>Settings</legend>
      {fields.map(([name, field]) => {
        const id = `param-${name}`;
        const type = typeOf(field);
        const problem = problems[name];
        const hint = [
          field.description,
          field.minimum !== undefined && field.maximum !== undefined ? `${field.minimum}–${field.maximum}` : undefined,
          (schema.required ?? []).includes(name) ? undefined : "optional",
        ]
          .filter(Boolean)
          .join(" · ");
        const described = problem ? `${id}-problem` : hint ? `${id}-hint` : undefined;
        let control: JSX.Element;
        if (type === "boolean") {
          control = (
            <input id={id} type="checkbox" checked={values[name] === true} onChange={(e: Event) => set(name, (e.target as HTMLInputElement).checked)} />
          );
        } else if (field.enum) {
          control = (
            <select
              id={id}
              value={String(values[name] ?? "")}
              aria-describedby={described}
              onChange={(e: Event) => set(name, (e.target as HTMLSelectElement).value)}
            >
              {!(schema.required ?? []).includes(name) && <option value="">(default)</option>}
              {field.enum.map((option) => (
                <option value={String(option)}>{String(option)}</option>
              ))}
            </select>
          );
        } else if (type === "integer" || type === "number") {
          control = (
            <input
              id={id}
              type="number"
              inputMode={type === "integer" ? "numeric" : "decimal"}
              step={type === "integer" ? 1 : "any"}
              min={field.minimum}
              max={field.maximum}
              value={String(values[name] ?? "")}
              aria-invalid={problem ? "true" : undefined}
              aria-describedby={described}
              onInput={(e: Event) => set(name, (e.target as HTMLInputElement).value)}
            />
          );
        } else if (type === "string") {
          control = (
            <input
              id={id}
              type="text"
              maxLength={field.maxLength}
              value={String(values[name] ?? "")}
              aria-invalid={problem ? "true" : undefined}
              aria-describedby={described}
              onInput={(e: Event) => set(name, (e.target as HTMLInputElement).value)}
            />
          );
        } else {
          control = (
            <textarea
              id={id}
              rows={3}
              value={String(values[name] ?? "")}
              placeholder="JSON"
              aria-invalid={problem ? "true" : undefined}
              aria-describedby={described}
              onInput={(e: Event) => set(name, (e.target as HTMLTextAreaElement).value)}
            />
          );
        }
        return (
          <div class={type === "boolean" ? "studio-param check" : "studio-param"}>
            <label for={id}>{fieldLabel(name, field)}</label>
            {control}
            {problem ? (
              <span id={`${id}-problem`} class="studio-error small" role="alert">
                {problem}
              </span>
            ) : (
              hint && (
                <span id={`${id}-hint`} class="muted small">
                  {hint}
                </span>
              )
            )}
          </div>
        );
      })}
    </fieldset>
  );
}
