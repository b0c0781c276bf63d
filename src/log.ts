import { cleanForTerminal } from "./render/sanitize.ts";

/** stderr logger. Data goes to stdout; everything else comes through here. */
export interface Logger {
  warn(message: string): void;
  /** Only with --verbose. */
  debug(message: string): void;
}

export function createLogger(opts: { verbose: boolean; write?: (s: string) => void }): Logger {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  // Messages quote vendor strings (model ids, error text): one line each, nothing a terminal acts on.
  return {
    warn: (m) => {
      write(`${cleanForTerminal(m)}\n`);
    },
    debug: (m) => {
      if (opts.verbose) write(`${cleanForTerminal(m)}\n`);
    },
  };
}
