/** The process as a command sees it: injected whole by tests. */
export interface Io {
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  signal: AbortSignal;
  /** Injected by tests; the CLI uses the runtime's fetch (through a proxy when one is configured). */
  fetch?: typeof globalThis.fetch;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  columns: number | undefined;
}
