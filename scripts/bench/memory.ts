/** A process's memory as Linux reports it in /proc/<pid>/status, sampled while work runs. */
import { readFileSync } from "node:fs";

type ProcessMemory = {
  /** Resident set size now. */
  rss: number;
  /** High-water mark of the resident set since the process started (VmHWM). */
  hwm: number;
};

/** Bytes, or undefined when the process is gone. */
function processMemory(pid: number): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib("VmRSS"), hwm: kib("VmHWM") };
}

export type MemoryReport = {
  /** RSS just before the work. */
  before: number;
  /** Highest sampled RSS during the work. */
  peak: number;
  /** VmHWM before and after: when it rose, the true peak (between two samples) is the later value. */
  hwmBefore: number;
  hwmAfter: number;
  samples: number;
  /** The peak growth: the larger of the sampled peak and a VmHWM that rose during the work, minus `before`. */
  growth: number;
};

/** Samples a process's RSS every `intervalMs` until `stop()` is called. */
export function sampleMemory(pid: number, intervalMs = 100): { stop: () => MemoryReport } {
  const first = processMemory(pid);
  if (!first) throw new Error(`process ${pid} is not running`);
  let peak = first.rss;
  let samples = 1;
  const timer = setInterval(() => {
    const now = processMemory(pid);
    if (!now) return;
    samples++;
    if (now.rss > peak) peak = now.rss;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = processMemory(pid) ?? first;
      peak = Math.max(peak, last.rss);
      samples++;
      const hwmPeak = last.hwm > first.hwm ? last.hwm : 0;
      return { before: first.rss, peak, hwmBefore: first.hwm, hwmAfter: last.hwm, samples, growth: Math.max(peak, hwmPeak) - first.rss };
    },
  };
}

/**
 * CPU time a process has used so far (user + system, /proc/<pid>/stat fields 14 and 15), in ms; its
 * threads' included (the collector's helpers, libuv's pool). Undefined when the process is gone.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every common architecture. */
const CLOCK_TICKS = 100;

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
