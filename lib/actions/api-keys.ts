"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { fill, type Messages } from "@/lib/i18n/messages";
import { runOwnerFormAction, type FormState } from "./form";

const createSchema = ({ t }: { t: Messages }) => z.object({ name: z.string().trim().min(1, t.apiKeys.nameRequired).max(60, t.apiKeys.nameRequired) });
const revokeSchema = z.object({ key: z.coerce.number().int().positive() });

/** The API keys page's Create: a new read-only key, shown once in the answer (never stored but hashed). */
export async function createApiKeyAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runOwnerFormAction(createSchema, formData, async ({ scope, input, t }) => {
    const { key } = await createApiKey(scope, input.name);
    revalidatePath("/account/api-keys");
    return { message: fill(t.apiKeys.created, { name: input.name }), shownOnce: [key] };
  });
}

/** The API keys page's Revoke: the key's next request is refused. */
export async function revokeApiKeyAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runOwnerFormAction(revokeSchema, formData, async ({ scope, input, t }) => {
    await revokeApiKey(scope, input.key);
    revalidatePath("/account/api-keys");
    return t.apiKeys.revoked;
  }, { notFound: (t) => t.apiKeys.notFound });
}
