/**
 * Builds the web UI into `dist/web` (`npm run build:web`), or with `--if-stale` only when its inputs changed since
 * the last build (`npm start` does this). Staleness is a hash of the inputs' contents, not file times, because a
 * fresh clone gives every file a new time.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hashBuildInputs } from "./hash-build-inputs.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where `npm start` serves the UI from. */
export const WEB_OUT_DIR = join(ROOT, "dist/web");
/** Holds the hash of the inputs `dist/web` was built from. */
const STAMP_FILE = ".build-inputs-hash";
/** Everything the bundle is made from. */
const INPUTS = ["web", "sdk", "generated/api.ts", "package-lock.json"];

const hashInputs = () => hashBuildInputs(ROOT, INPUTS);

/**
 * Builds unless `outDir` was built from exactly the current inputs. Returns whether it built.
 * `outDir` is for tests; the app is served from {@link WEB_OUT_DIR}.
 */
export async function ensureWebBuild({ force = false, outDir = WEB_OUT_DIR }: { force?: boolean; outDir?: string } = {}): Promise<boolean> {
  const inputsHash = hashInputs();
  const stamp = join(outDir, STAMP_FILE);
  const upToDate = existsSync(join(outDir, "index.html")) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputsHash;
  if (upToDate && !force) return false;
  // Loaded only when needed: a server whose UI is up to date starts without Vite.
  const { build } = await import("vite");
  await build({ configFile: join(ROOT, "web/vite.config.ts"), logLevel: "warn", build: { outDir } });
  writeFileSync(stamp, inputsHash);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const built = await ensureWebBuild({ force: !process.argv.includes("--if-stale") });
  console.log(built ? `Built the web UI into dist/web in ${Math.round(performance.now() - started)} ms.` : "The web UI in dist/web is up to date.");
}
