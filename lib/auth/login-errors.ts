/**
 * What the login's `authorize` throws, as the login form reads it from next-auth's `error`
 * (no server code here: the form is a client component).
 */
export const LOGIN_ERRORS = {
  /** "locked:<minutes>": too many failures, try again later. */
  lockedPrefix: "locked:",
  /** Username, password and number are right: now the second factor. */
  codeRequired: "two-factor:required",
  /** The second factor was wrong (counted as a failed login). */
  invalidCode: "two-factor:invalid",
} as const;
