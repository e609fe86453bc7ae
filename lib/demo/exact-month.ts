import type { ServiceType } from "@/db/schema";
import { partition, type Random } from "./random";

/**
 * Plans a room's legs for a month so that their summed duration and summed charge are exactly the
 * given figures (the seed's table), with the default tariff's per-minute rounding. Toll (9 c/min)
 * and VoIP (2 c/min) minutes are solved for; a few toll-free legs come first for realism.
 */
export type PlannedLeg = { serviceType: ServiceType; durationS: number };

type Rates = { toll: number; voip: number; tollFree: (minutes: number) => number };

export function planExactLegs(
  random: Random,
  target: { seconds: number; chargeMinor: number; legs: number; tollFreeLegs: number },
  rates: Rates,
): PlannedLeg[] {
  const tollFreeMinutes = Array.from({ length: target.tollFreeLegs }, () => random.int(4, 30));
  const tollFreeCharge = tollFreeMinutes.reduce((sum, m) => sum + rates.tollFree(m), 0);
  const restCharge = target.chargeMinor - tollFreeCharge;
  const minutesNeeded = Math.ceil(target.seconds / 60) - tollFreeMinutes.reduce((a, b) => a + b, 0);

  // toll minutes T and VoIP minutes V: toll×T + voip×V = restCharge, with T + V as small as the
  // seconds allow, so each leg's duration stays within its billed minutes.
  for (let minutes = Math.max(1, minutesNeeded); minutes < minutesNeeded + 1000; minutes++) {
    const tollMinutes = (restCharge - rates.voip * minutes) / (rates.toll - rates.voip);
    const voipMinutes = minutes - tollMinutes;
    if (!Number.isInteger(tollMinutes) || tollMinutes < 0 || voipMinutes < 0) continue;
    const voipLegs = voipMinutes === 0 ? 0 : Math.min(voipMinutes, Math.max(1, Math.round(target.legs / 6)));
    const tollLegs = Math.min(tollMinutes, target.legs - target.tollFreeLegs - voipLegs);
    if (tollMinutes > 0 && tollLegs < 1) continue;
    const legMinutes: { serviceType: ServiceType; minutes: number }[] = [
      ...tollFreeMinutes.map((m) => ({ serviceType: "toll-free" as const, minutes: m })),
      ...(tollMinutes ? partition(random, tollMinutes, tollLegs) : []).map((m) => ({ serviceType: "toll" as const, minutes: m })),
      ...(voipMinutes ? partition(random, voipMinutes, voipLegs) : []).map((m) => ({ serviceType: "voip" as const, minutes: m })),
    ];
    const totalMinutes = legMinutes.reduce((sum, l) => sum + l.minutes, 0);
    let slack = totalMinutes * 60 - target.seconds;
    if (slack < 0 || slack > legMinutes.length * 59) continue;
    // Take the slack off the legs' full minutes, at most 59 s each, so every leg keeps its billed minutes.
    const legs = legMinutes.map((l) => ({ serviceType: l.serviceType, durationS: l.minutes * 60 }));
    for (let i = 0; slack > 0; i = (i + 1) % legs.length) {
      const leg = legs[i] as PlannedLeg;
      const room = 59 - (leg.durationS % 60 === 0 ? 0 : 60 - (leg.durationS % 60));
      const take = Math.min(slack, room, random.int(1, 59));
      leg.durationS -= take;
      slack -= take;
    }
    return legs;
  }
  throw new Error(`no exact plan for ${target.seconds} s / ${target.chargeMinor}`);
}
