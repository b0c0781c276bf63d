import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../config/errors.ts";

/**
 * `--output FILE`: checked before anything is fetched, so a typo in the path fails in a second rather
 * than after minutes of fetching; written through a temporary file beside it and renamed, so a reader
 * (a wiki sync, a cron mail) never sees half a report.
 */
export function checkOutput(file: string, cwd: string): void {
  const path = resolve(cwd, file);
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--output ${file}: the folder ${dir} does not exist or is not writable`);
  }
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`--output ${file} is a folder; give a file name`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}

export function writeOutput(file: string, cwd: string, text: string): void {
  const path = resolve(cwd, file);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new UsageError(`--output ${file}: cannot write (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
