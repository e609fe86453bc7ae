/** At server start: the in-process job worker (WORKER=0 leaves the jobs to `npm run worker` processes). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.WORKER === "0") return;
  const [{ getDb, databaseUrl }, { startWorker }, { onShutdown }, { loadHttpEnv }] = await Promise.all([import("./db/client"), import("./lib/jobs/queue"), import("./lib/shutdown"), import("./lib/env")]);
  try {
    const boss = await startWorker(await getDb(), databaseUrl());
    // On SIGTERM: no new jobs; those under way finish within the drain's time, or go back to the queue.
    onShutdown(() => boss.stop({ graceful: true, wait: true, timeout: loadHttpEnv().shutdownTimeoutMs }));
  } catch (error) {
    console.error("job worker not started:", error);
  }
}
