import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Debian (and Ubuntu's deb) install Chromium; `CHROMIUM_PATH` overrides. */
const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * Launches the system's Chromium headless. Playwright cannot download browsers here, so the suite uses Debian's
 * package (`.ci/run` installs it). No browser is a failure, never a skip: a green run must have driven a browser.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((path): path is string => typeof path === "string" && existsSync(path));
  if (!executablePath) {
    throw new Error("Chromium not found (looked for CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser). Install it: apt-get install -y chromium");
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // No sandbox as root in containers; no GPU, no /dev/shm reliance; and no calls home, which this machine's
    // closed network would refuse (slowly) at every start.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
