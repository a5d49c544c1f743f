/**
 * Builds what the server serves (`npm run build`): the UI into `dist/web` and the server into `dist/server`. With
 * `--if-stale` each is built only when its sources changed: `npm start` (scripts/start.mjs) runs this first, in a
 * child process of its own, then the server.
 */
import { ensureServerBuild } from "./build-server.js";
import { ensureWebBuild } from "./build-web.js";

const ifStale = process.argv.includes("--if-stale");
try {
  if (await ensureWebBuild({ force: !ifStale })) console.log("Built the web UI into dist/web.");
} catch (error) {
  // `npm start` would rather serve the API without the UI than nothing; an explicit build must fail.
  if (!ifStale) throw error;
  console.error("Could not build the web UI; serving the API alone.", error);
}
try {
  if (await ensureServerBuild({ force: !ifStale })) console.log("Built the server into dist/server.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
