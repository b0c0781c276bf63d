import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { AbortedError, ConnectionError, ResponseShapeError } from "../../http/errors.ts";
import { DEFAULT_TIMEOUT_MS, describe } from "../../http/request.ts";
import { userAgent } from "../../version.ts";
import type { ClientOptions } from "../types.ts";
import { formatPath, parseOrThrow } from "../validate.ts";
import { githubRequest, type RateGate } from "./github.ts";
import { mergeUserDays } from "./merge.ts";
import { reportLinksSchema, type UserDay, userDaySchema } from "./schema.ts";

/** One scope per run: an organization or an enterprise (copilot.md §3.1). */
export interface Scope {
  kind: "org" | "enterprise";
  name: string;
}

/** Rounds of fresh links for one day when a download fails or a link has expired. */
export const MAX_LINK_ROUNDS = 3;

export type DayReport = "users-1-day" | "user-teams-1-day";

export function reportPath(scope: Scope, report: DayReport = "users-1-day"): string {
  const owner = scope.kind === "org" ? "orgs" : "enterprises";
  return `/${owner}/${encodeURIComponent(scope.name)}/copilot/metrics/reports/${report}`;
}

/** The day's signed links; a 204 or an empty list is a day without data. */
export async function fetchReportLinks(
  client: ClientOptions,
  gate: RateGate,
  scope: Scope,
  day: string,
  report: DayReport = "users-1-day",
): Promise<string[]> {
  const res = await githubRequest(client, gate, {
    path: reportPath(scope, report),
    query: new URLSearchParams({ day }),
  });
  if (res.status === 204 || res.body === undefined) return [];
  const envelope = parseOrThrow("copilot", reportLinksSchema, res.body);
  if (envelope.report_day !== undefined && envelope.report_day !== day)
    throw new ResponseShapeError("copilot", "report_day", `expected ${day}, got ${envelope.report_day}`);
  return envelope.download_links ?? [];
}

/** A download that may work with fresh links: expired, refused, cut off. */
class DownloadFailure extends Error {}

/**
 * Every user-day of `day`: the links, then every file. The files are signed URLs on another host,
 * fetched with no credentials at all. A failed file asks for fresh links (bounded), since the old
 * ones may have expired; all files are concatenated before one user's parts are merged.
 */
export async function fetchUserDays(
  client: ClientOptions,
  gate: RateGate,
  scope: Scope,
  day: string,
): Promise<UserDay[]> {
  let reason = "";
  for (let round = 1; round <= MAX_LINK_ROUNDS; round++) {
    const links = await fetchReportLinks(client, gate, scope, day);
    if (links.length === 0) return [];
    try {
      const files = await Promise.all(links.map((link) => downloadFile(client, link)));
      const parts = files.flatMap((text, i) => parseReportFile(text, day, i + 1));
      return mergeUserDays(parts);
    } catch (err) {
      if (!(err instanceof DownloadFailure)) throw err;
      reason = err.message;
      client.log?.debug(`copilot: report file for ${day}: ${reason}; asking for fresh links`);
    }
  }
  throw new ConnectionError(
    "copilot",
    `report files for ${day} could not be downloaded (${reason}), ${MAX_LINK_ROUNDS} times with fresh links`,
  );
}

export async function downloadFile(client: ClientOptions, link: string): Promise<string> {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new ResponseShapeError("copilot", "download_links", "not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ResponseShapeError("copilot", "download_links", `unsupported scheme ${url.protocol}`);
  const timeout = AbortSignal.timeout(client.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = client.signal ? AbortSignal.any([client.signal, timeout]) : timeout;
  // A bare request on purpose: the link carries its own signature and the token is GitHub's, so no
  // credential is ever built for this host. Not the shared request(): a failed file is not retried
  // on the same (possibly expired) link but with fresh links, and raw gzip bodies are read.
  const headers = { "user-agent": userAgent, accept: "application/x-ndjson, application/json, */*" };
  try {
    const res = await client.fetch(url, { headers, signal });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (!res.ok) throw new DownloadFailure(`HTTP ${res.status} from the download host`);
    // Some storage hosts hand back gzip without saying so in Content-Encoding.
    const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    return new TextDecoder().decode(raw);
  } catch (err) {
    if (err instanceof DownloadFailure) throw err;
    if (client.signal?.aborted) throw new AbortedError();
    throw new DownloadFailure(describe(err));
  }
}

const fileSchema = z.array(userDaySchema);

/**
 * NDJSON (one user-day per line); a JSON array is accepted too. A line that is not JSON is taken
 * for a cut-off file and fetched again; valid JSON of the wrong shape is an error naming the field.
 */
export function parseReportFile(text: string, day: string, file: number): UserDay[] {
  const objects: unknown[] = [];
  const lineOf: number[] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      objects.push(...(JSON.parse(trimmed) as unknown[]));
    } catch {
      throw new DownloadFailure(`file ${file} is not valid JSON (cut off?)`);
    }
    for (let i = 1; i <= objects.length; i++) lineOf.push(i);
  } else {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      try {
        objects.push(JSON.parse(line));
      } catch {
        throw new DownloadFailure(`file ${file} line ${i + 1} is not JSON (cut off?)`);
      }
      lineOf.push(i + 1);
    }
  }
  const result = fileSchema.safeParse(objects);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const [index, ...rest] = issue.path;
    const where = `users-1-day ${day} file ${file} line ${lineOf[index as number] ?? "?"}`;
    throw new ResponseShapeError("copilot", `${where}: ${formatPath(rest)}`, issue.message);
  }
  return result.data;
}
