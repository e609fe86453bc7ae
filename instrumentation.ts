/** At server start: the in-process job worker (WORKER=0 leaves the jobs to `npm run worker` processes). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.WORKER === "0") return;
  const [{ getDb, databaseUrl }, { startWorker }] = await Promise.all([import("./db/client"), import("./lib/jobs/queue")]);
  await startWorker(await getDb(), databaseUrl()).catch((error: unknown) => console.error("job worker not started:", error));
}
