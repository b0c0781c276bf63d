/** stderr logger. Data goes to stdout; everything else comes through here. */
export interface Logger {
  warn(message: string): void;
  /** Only with --verbose. */
  debug(message: string): void;
}

export function createLogger(opts: {
  verbose: boolean;
  write?: (s: string) => void;
  /** Makes a message safe for a terminal: messages quote vendor strings (model ids, error text). */
  clean?: (s: string) => string;
}): Logger {
  const write = opts.write ?? ((s: string) => process.stderr.write(s));
  const clean = opts.clean ?? ((s: string) => s);
  return {
    warn: (m) => {
      write(`${clean(m)}\n`);
    },
    debug: (m) => {
      if (opts.verbose) write(`${clean(m)}\n`);
    },
  };
}
