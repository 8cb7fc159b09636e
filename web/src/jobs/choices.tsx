// The jobs board's closed lists (the API's enums) and one labelled <select> over such a list, so the
// vacancy editor and the search form offer the same values the same way.
export const SENIORITIES = ["intern", "junior", "middle", "senior", "lead", "principal"] as const;
export const EMPLOYMENT_TYPES = ["full-time", "part-time", "contract", "internship", "temporary"] as const;
// The currencies offered, the AI draft's among them (shared/jobs-board/ai/answers.ts): a draft in JPY
// shows JPY. The API takes any ISO 4217 code; a vacancy in another one keeps it (see Choice).
export const CURRENCIES = ["EUR", "USD", "GBP", "CHF", "PLN", "CZK", "SEK", "NOK", "DKK", "CAD", "AUD", "JPY", "INR", "BRL"] as const;
export const PERIODS = ["year", "month", "hour"] as const;
export const PROFILE_VISIBILITIES = ["everyone", "recruiters", "hidden"] as const;
export type ProfileVisibility = (typeof PROFILE_VISIBILITIES)[number];
/** Who sees the profile, in the candidate's words (the API's `visibility`). */
export const PROFILE_VISIBILITY_WORDS: Record<ProfileVisibility, string> = {
  everyone: "Everyone, signed in or not",
  recruiters: "Recruiters and people I follow",
  hidden: "Only me",
};

/**
 * A label around a <select> of `values`; `blank` adds a first "any" option with an empty value. A
 * value not among them (a vacancy's currency set through the API) is offered too, so the menu shows
 * what is stored instead of its first option.
 * `labels` words a value for people when the API's value is not a word they would use;
 * `describedBy` names the element that explains the choice.
 */
export function Choice(props: {
  label: string;
  name: string;
  values: readonly string[];
  value: string;
  onChange: (value: string) => void;
  blank?: string;
  labels?: Readonly<Record<string, string>>;
  describedBy?: string;
}) {
  return (
    <label>
      {props.label}
      <select
        name={props.name}
        value={props.value}
        aria-describedby={props.describedBy}
        onChange={(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.blank !== undefined && (
          <option value="" selected={props.value === ""}>
            {props.blank}
          </option>
        )}
        {(props.value && !props.values.includes(props.value) ? [...props.values, props.value] : props.values).map((v) => (
          <option value={v} selected={v === props.value}>
            {props.labels?.[v] ?? v}
          </option>
        ))}
      </select>
    </label>
  );
}
