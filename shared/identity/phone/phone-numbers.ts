import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import { ApiError } from "../../http/errors";

export const invalidPhone = () =>
  new ApiError(400, "invalid_phone", "This is not a phone number we can send a code to; include the country code, e.g. +44 20 7946 0958");

/**
 * A typed number in E.164 (`+442079460958`). A number without `+country` is read in `region`
 * (the request's, else PHONE_DEFAULT_REGION); one that is not a valid number of its country is refused.
 */
export function toE164(text: string, region: string | null): string {
  const parsed = parsePhoneNumberFromString(text, (region ?? undefined) as CountryCode | undefined);
  if (!parsed?.isValid()) throw invalidPhone();
  return parsed.number;
}

export interface PhoneView {
  /** E.164. */
  e164: string;
  /** As people of its country write it: `020 7946 0958`. */
  national: string;
  /** As written abroad: `+44 20 7946 0958`. */
  international: string;
  /** ISO 3166-1 alpha-2, when the number belongs to one country. */
  country: string | null;
}

export function phoneView(e164: string): PhoneView {
  const parsed = parsePhoneNumberFromString(e164);
  return {
    e164,
    national: parsed?.formatNational() ?? e164,
    international: parsed?.formatInternational() ?? e164,
    country: parsed?.country ?? null,
  };
}
