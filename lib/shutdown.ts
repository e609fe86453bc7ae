/**
 * Work to finish when the process is told to stop (SIGTERM): registered where it starts (the job
 * worker, in instrumentation.ts, inside Next's bundle) and run by the server (scripts/serve.ts),
 * outside it; the list lives on globalThis, which both share.
 */
type Hook = () => Promise<void>;
const store = globalThis as typeof globalThis & { __portalShutdown?: Hook[] };

export function onShutdown(hook: Hook): void {
  (store.__portalShutdown ??= []).push(hook);
}

/** Runs every hook at once; one failing does not stop the others. */
export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled((store.__portalShutdown ?? []).map((hook) => hook()));
}
