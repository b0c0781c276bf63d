// Preloaded with `node --require` by bench/cli.ts: writes the process's own getrusage figures
// (CPU time, peak RSS) to $BENCH_RUSAGE when it exits.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.BENCH_RUSAGE;
  if (file) writeFileSync(file, JSON.stringify(process.resourceUsage()));
});
