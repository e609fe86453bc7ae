import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 defaults to Argon2id (m=19 MiB, t=2, p=1), the OWASP recommendation.
export const hashPassword = (password: string) => hash(password);

// Verified against when the username is unknown, so that case costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hash("not-a-real-password-for-timing");
    await verify(await dummyHash, password);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
