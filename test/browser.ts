import { accessSync, constants, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT } from "./cli.ts";

/**
 * A real Chromium for the HTML report tests: Debian's `chromium` (or $CHROMIUM_PATH) driven by
 * playwright-core, never a downloaded browser. Without one the suites skip and say why.
 */

const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

function findChromium(): string | null {
  const candidates = process.env.CHROMIUM_PATH
    ? [process.env.CHROMIUM_PATH]
    : (process.env.PATH ?? "").split(delimiter).flatMap((dir) => NAMES.map((n) => join(dir, n)));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return null;
}

export const CHROMIUM = findChromium();
const NO_BROWSER =
  "no chromium found: the HTML report's browser tests are skipped. Install Debian's chromium " +
  "(apt-get install -y chromium) or set CHROMIUM_PATH; CI installs it.";
if (!CHROMIUM) console.warn(NO_BROWSER);

/** Where screenshots go: a test artefact, ignored by git. */
export const ARTEFACTS = join(ROOT, "test/artifacts");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    // Root in a CI container has no user namespace for the sandbox; the pages are our own files.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

export interface Opened {
  page: Page;
  url: string;
  /** Every request the page made other than loading the file itself. */
  requests: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Any alert/confirm/prompt: script that should never have run. */
  dialogs: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  width?: number;
  height?: number;
  colorScheme?: "light" | "dark";
}

/** Opens an HTML file in a fresh context, recording requests, errors and dialogs from the start. */
export async function openFile(browser: Browser, file: string, options: OpenOptions = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? "light",
  });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const opened: Opened = { page, url, requests: [], errors: [], dialogs: [], close: () => context.close() };
  page.on("request", (r) => {
    if (r.url() !== url) opened.requests.push(r.url());
  });
  page.on("console", (m) => {
    if (m.type() === "error") opened.errors.push(m.text());
  });
  page.on("pageerror", (e) => opened.errors.push(String(e)));
  page.on("dialog", (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: "load" });
  return opened;
}

/** A screenshot kept as a test artefact (test/artifacts/NAME.png). */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTEFACTS, { recursive: true });
  const path = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The leaderboard as the page holds it: each ranked row's data attributes, in page order. */
export function leaderboardRows(page: Page, key: "user" | "key" = "user") {
  return page.$$eval(
    `#leaderboard tr[data-${key}]`,
    (trs, k) =>
      trs.map((tr) => ({
        user: tr.getAttribute(`data-${k}`)!,
        requests: Number(tr.getAttribute("data-requests")),
        tokens: Number(tr.getAttribute("data-tokens")),
        costUsd: Number(tr.getAttribute("data-cost-usd")),
      })),
    key,
  );
}
