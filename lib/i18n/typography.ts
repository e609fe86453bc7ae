/**
 * A label before its value, as each language writes it: "Period:" in English, "Période :" in
 * French, with an espace fine insécable (U+202F) so the colon never starts a line. For labels
 * joined in code; messages carry the space themselves (typography.test.ts).
 */
export const withColon = (lang: string, label: string) => `${label}${lang === "fr" ? "\u202f" : ""}:`;
