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
  const numerator = BigInt(billableS) * BigInt(ratePerMinuteE4) * 10n ** BigInt(minorDigits(currency));
  const denominator = 60n * 10_000n;
  return Number((2n * numerator + denominator) / (2n * denominator));
}

export function rateLeg(durationS: number, rate: Rate, currency: string): { billableS: number; chargeMinor: number } {
  const billable = billableSeconds(durationS, rate);
  return { billableS: billable, chargeMinor: chargeMinor(billable, rate.ratePerMinuteE4, currency) };
}
