import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/**
 * Makes the README's picture of the demo report (docs/report.png): runs the CLI from source with
 * `--demo --format html` on a pinned clock, opens the page in Debian's chromium and screenshots the
 * top of it at 1280×800. Run with `npm run screenshot` after the report's look changes.
 */

const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "docs/report.png");
const NOW = "2026-11-24T12:00:00Z";
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const dir = mkdtempSync(join(tmpdir(), "ai-usage-shot-"));
try {
  const file = join(dir, "report.html");
  const cli = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "src/index.ts"), "--demo", "--format", "html", "--output", file],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: dir, TZ: "UTC", AI_USAGE_NOW: NOW }, stdio: "inherit" },
  );
  if (cli.status !== 0) throw new Error(`ai-usage exited with ${cli.status}`);
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    await page.goto(pathToFileURL(file).href);
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    await page.screenshot({ path: OUT });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
