"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { signedInHome } from "@/lib/auth/session";
import { endOtherSessions } from "@/lib/auth/sessions";
import { fill } from "@/lib/i18n/messages";
import { runFormAction, type FormState } from "./form";

const schema = z.object({ session: z.union([z.literal("all"), z.uuid()]) });

/** The sessions page's End buttons: one other session of the user's, or all of them; never this one. */
export async function endSessionsAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runFormAction(schema, formData, async ({ scope, sessionId, input, t }) => {
    const ended = await endOtherSessions(await getDb(), scope, sessionId, input.session === "all" ? null : input.session);
    revalidatePath("/sessions");
    return ended === 0 ? t.sessions.noneEnded : ended === 1 ? t.sessions.ended : fill(t.sessions.endedMany, { count: ended });
  });
}

/** Where the login form takes a user who has just signed in: straight to their page (no stop at "/"). */
export async function landingPath(): Promise<string> {
  return (await signedInHome()) ?? "/login";
}
