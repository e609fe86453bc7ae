import { z } from "zod";

/**
 * Where the database is: read here by the client (db/client.ts), and with every other setting by
 * lib/env.ts, which adds these to its schema.
 */
const POSTGRES_URL = /^postgres(ql)?:\/\//;

export const databaseSettings = {
  DATA_DIR: z.string().min(1).default(".data"),
  DATABASE_URL: z.string().regex(POSTGRES_URL, "must be a postgres:// connection URL").optional(),
  /** Read replicas of DATABASE_URL's server, comma-separated: pages and downloads may read from them. */
  DATABASE_REPLICA_URL: z
    .string()
    .transform((list) => list.split(",").map((url) => url.trim()))
    .check((ctx) => {
      const wrong = ctx.value.findIndex((url) => !POSTGRES_URL.test(url));
      if (wrong >= 0) ctx.issues.push({ code: "custom", input: ctx.value, message: `must be postgres:// connection URLs separated by commas (URL ${wrong + 1} is not)` });
    })
    .optional(),
};

/** A setting with a wrong value, or a required one missing: the message says which and why. */
export class EnvError extends Error {}

/** Settings from the environment, an empty value counting as unset; every wrong one named in one EnvError. */
export function parseSettings<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

const urlOnly = z.object({ DATABASE_URL: databaseSettings.DATABASE_URL });

const replicasOnly = z.object({ DATABASE_REPLICA_URL: databaseSettings.DATABASE_REPLICA_URL });

/** DATABASE_REPLICA_URL, checked: the replicas' URLs, none when unset. */
export function configuredReplicaUrls(source: NodeJS.ProcessEnv = process.env): string[] {
  return parseSettings(replicasOnly, source).DATABASE_REPLICA_URL ?? [];
}

/** DATABASE_URL, checked; undefined when unset. */
export function configuredDatabaseUrl(source: NodeJS.ProcessEnv = process.env): string | undefined {
  return parseSettings(urlOnly, source).DATABASE_URL;
}
