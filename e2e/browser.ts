import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's `chromium` package
 * (`apt-get install -y chromium`; playwright-core cannot download its own browser here).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  return candidates.find((path) => existsSync(path));
}

/** Launches headless Chromium from its path. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true });
}

/** What a page did that a self-contained page must not: console errors, uncaught errors, requests for anything but itself. */
export interface PageTrouble {
  readonly errors: string[];
  readonly requests: string[];
}

/**
 * A new page that records console errors, uncaught exceptions and every request other than the
 * file it was opened on, and aborts those requests so nothing leaves the machine.
 */
export async function watchedPage(
  browser: Browser,
  fileUrl: string,
  viewport = { width: 1400, height: 1000 },
): Promise<{ page: Page; trouble: PageTrouble }> {
  const context = await browser.newContext({ viewport });
  const trouble: PageTrouble = { errors: [], requests: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url === fileUrl) return route.continue();
    if (!trouble.requests.includes(url)) trouble.requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") trouble.errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => trouble.errors.push(`uncaught: ${error.message}`));
  page.on("request", (request) => {
    if (request.url() !== fileUrl && !trouble.requests.includes(request.url())) trouble.requests.push(request.url());
  });
  return { page, trouble };
}
