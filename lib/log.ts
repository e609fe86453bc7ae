import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { format } from "node:util";
import pino, { type Logger } from "pino";
import { loadLogEnv } from "@/lib/env";

/** A person at a terminal reads the message (and the request's status line); a log collector gets JSON. */
const textLines = () =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        const { msg = "", level, err } = JSON.parse(line) as { msg?: string; level?: string; err?: { stack?: string; message?: string } };
        const detail = err ? `: ${err.stack ?? err.message}` : "";
        (level === "error" || level === "fatal" || level === "warn" ? process.stderr : process.stdout).write(`${msg}${detail}\n`);
      }
      done();
    },
  });

/**
 * A process's logger: one JSON object a line (ISO time, level name, the process's name, the
 * message and its fields), or the message alone (LOG_FORMAT, lib/env.ts).
 */
export function createLogger(name: string): Logger {
  const options = { name, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (label: string) => ({ level: label }) } };
  return loadLogEnv().format === "json" ? pino(options) : pino(options, textLines());
}

/**
 * Everything the process writes through `console` (Next's own lines, the app's errors) goes
 * through the logger too, so that every line of output is of the same format.
 */
export function routeConsole(logger: Logger): void {
  const line = (args: unknown[]) => format(...args);
  console.log = console.info = (...args: unknown[]) => logger.info(line(args));
  console.warn = (...args: unknown[]) => logger.warn(line(args));
  console.error = (...args: unknown[]) => logger.error(line(args));
}

const GIVEN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id: the one the load balancer gave (X-Request-Id) when it is a plain token, else a new one. */
export function requestId(given: string | string[] | undefined): string {
  return typeof given === "string" && GIVEN_ID.test(given) ? given : randomUUID();
}
