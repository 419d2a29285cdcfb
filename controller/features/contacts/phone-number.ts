/** How people write phone numbers here: the country's calling code and its dialling prefixes. */
export interface DialingPlan {
  /** e.g. '1' (NANP), '44' (UK). */
  countryCode: string;
  /** Dialled before a national number, e.g. '1' (NANP), '0' (UK); may be empty. */
  nationalPrefix: string;
  /** Dialled before a country code, e.g. '011' (NANP), '00' (most of the world). */
  internationalPrefix: string;
}

const e164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number as written by a person (`(415) 555-0100`, `020 7946 0958`, `+44 (0)20 7946 0958`,
 * `011 44 20 7946 0958`) in E.164 (`+14155550100`), or undefined when it is not one. Spaces, dots, dashes and
 * parentheses are ignored; `+` and the international prefix start a country code; anything else is a national
 * number, with or without the national prefix.
 */
export function toE164(written: string, plan: DialingPlan): string | undefined {
  let text = written.trim();
  if (text.startsWith('+')) text = text.replace(/\(0\)/, ''); // "+44 (0)20…": the (0) is dialled only nationally
  text = text.replace(/[\s.()-]/g, '');
  const candidate = text.startsWith('+') ? text : fromDigits(text, plan);
  return candidate !== undefined && e164.test(candidate) ? candidate : undefined;
}

function fromDigits(digits: string, plan: DialingPlan): string | undefined {
  if (!/^\d+$/.test(digits)) return undefined;
  if (digits.startsWith(plan.internationalPrefix)) return `+${digits.slice(plan.internationalPrefix.length)}`;
  const national =
    plan.nationalPrefix && digits.startsWith(plan.nationalPrefix)
      ? digits.slice(plan.nationalPrefix.length)
      : digits;
  return `+${plan.countryCode}${national}`;
}

/** The dialing plan of the controller's configuration. */
export const dialingPlanOf = (config: {
  PHONE_COUNTRY_CODE: string;
  PHONE_NATIONAL_PREFIX: string;
  PHONE_INTERNATIONAL_PREFIX: string;
}): DialingPlan => ({
  countryCode: config.PHONE_COUNTRY_CODE,
  nationalPrefix: config.PHONE_NATIONAL_PREFIX,
  internationalPrefix: config.PHONE_INTERNATIONAL_PREFIX,
});
