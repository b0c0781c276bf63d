import type { UserDayRecord } from "./data.ts";

/**
 * A day's report as GitHub ships a large one: several NDJSON files, and at every boundary the
 * user there is cut in two, part in one file and the rest in the next (copilot.md §3.3). The parts
 * add up exactly to the record.
 */
export function splitDay(records: readonly UserDayRecord[], files: number): string[] {
  if (records.length === 0) return [];
  if (files < 2) return [ndjson(records)];
  const chunks: UserDayRecord[][] = [];
  const count = Math.min(files, records.length);
  const size = Math.ceil(records.length / count);
  for (let i = 0; i < records.length; i += size) chunks.push(records.slice(i, i + size));
  if (chunks.length === 1) chunks.push([]);
  for (let i = 0; i + 1 < chunks.length; i++) {
    const last = chunks[i]!.pop()!;
    const [a, b] = splitRecord(last);
    chunks[i]!.push(a);
    chunks[i + 1]!.unshift(b);
  }
  return chunks.map(ndjson);
}

function ndjson(records: readonly UserDayRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join("");
}

const half = (x: number) => Math.floor(x / 2);

/** Two parts of one user-day: counters halved, breakdown entries divided, credits in hundredths. */
export function splitRecord(r: UserDayRecord): [UserDayRecord, UserDayRecord] {
  const a = structuredClone(r);
  const b = structuredClone(r);
  for (const key of Object.keys(r) as (keyof UserDayRecord)[]) {
    const value = r[key];
    if (typeof value === "number" && key !== "user_id" && key !== "ai_credits_used") {
      (a as unknown as Record<string, number>)[key] = half(value);
      (b as unknown as Record<string, number>)[key] = value - half(value);
    }
    if (Array.isArray(value)) {
      const cut = Math.ceil(value.length / 2);
      (a as unknown as Record<string, unknown[]>)[key] = value.slice(0, cut);
      (b as unknown as Record<string, unknown[]>)[key] = value.slice(cut);
    }
  }
  if (r.ai_credits_used !== undefined) {
    const hundredths = Math.round(r.ai_credits_used * 100);
    a.ai_credits_used = half(hundredths) / 100;
    b.ai_credits_used = (hundredths - half(hundredths)) / 100;
  }
  if (r.totals_by_cli && a.totals_by_cli && b.totals_by_cli) {
    const cli = r.totals_by_cli;
    a.totals_by_cli.prompt_count = half(cli.prompt_count);
    b.totals_by_cli.prompt_count = cli.prompt_count - half(cli.prompt_count);
    const t = cli.token_usage;
    a.totals_by_cli.token_usage.prompt_tokens_sum = half(t.prompt_tokens_sum);
    b.totals_by_cli.token_usage.prompt_tokens_sum = t.prompt_tokens_sum - half(t.prompt_tokens_sum);
    a.totals_by_cli.token_usage.output_tokens_sum = half(t.output_tokens_sum);
    b.totals_by_cli.token_usage.output_tokens_sum = t.output_tokens_sum - half(t.output_tokens_sum);
  }
  return [a, b];
}
