import { cpus, totalmem, type } from "node:os";

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  date: string;
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${process.platform}/${process.arch}`,
    node: process.version,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The targets. */
export const TARGETS = { coldRatio: 1.15, cpuMs: 3000, rssMb: 250, startupRatio: 1.3 };

export const seconds = (ms: number, digits = 2) => (ms / 1000).toFixed(digits);
export const ratio = (value: number, bound: number) => (value / bound).toFixed(2);
export const mark = (ok: boolean) => (ok ? "yes" : "**no**");

/** Logs progress on stderr so a long run is not silent; RESULTS.md gets the numbers. */
export function say(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}
