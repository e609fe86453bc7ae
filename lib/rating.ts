import { minorDigits } from "./format";

export type Rate = {
  /** Ten-thousandths of the currency unit per minute: 0.0900 €/min → 900. */
  ratePerMinuteE4: number;
  incrementS: number;
  minimumS: number;
};

/**
 * Seconds billed for a leg: at least the minimum, rounded up to the next whole increment.
 * A zero-length leg (a call that never connected) is not billed.
 */
export function billableSeconds(durationS: number, rate: Pick<Rate, "incrementS" | "minimumS">): number {
  if (durationS <= 0) return 0;
  const atLeast = Math.max(durationS, rate.minimumS);
  return Math.ceil(atLeast / rate.incrementS) * rate.incrementS;
}

/**
 * Charge in minor units = round-half-up(billable minutes × rate), computed in integers:
 * billableS × rateE4 × 10^digits / (60 × 10^4).
 */
export function chargeMinor(billableS: number, ratePerMinuteE4: number, currency: string): number {
  return chargeInDigits(billableS, ratePerMinuteE4, minorDigits(currency));
}

const PER_MINUTE_E4 = 60 * 10_000;

/** The same with the currency's minor digits known: plain integers while they are exact, else BigInt. */
export function chargeInDigits(billableS: number, ratePerMinuteE4: number, digits: number): number {
  const twice = 2 * billableS * ratePerMinuteE4 * 10 ** digits + PER_MINUTE_E4;
  const divisor = 2 * PER_MINUTE_E4;
  if (Number.isSafeInteger(twice)) {
    // The float quotient can be one off near an integer: corrected with exact products.
    let q = Math.floor(twice / divisor);
    if (q * divisor > twice) q--;
    else if ((q + 1) * divisor <= twice) q++;
    return q;
  }
  const numerator = BigInt(billableS) * BigInt(ratePerMinuteE4) * 10n ** BigInt(digits);
  return Number((2n * numerator + BigInt(PER_MINUTE_E4)) / BigInt(divisor));
}

export function rateLeg(durationS: number, rate: Rate, currency: string): { billableS: number; chargeMinor: number } {
  const billable = billableSeconds(durationS, rate);
  return { billableS: billable, chargeMinor: chargeMinor(billable, rate.ratePerMinuteE4, currency) };
}
