/**
 * `npm start`: builds the web UI when it is missing or stale, then runs the server in this same process (so
 * SIGTERM and SIGINT reach the server's graceful shutdown directly, with no shell in between).
 */
import { ensureWebBuild } from "./build-web.js";

try {
  if (await ensureWebBuild()) console.log("Built the web UI into dist/web.");
} catch (error) {
  console.error("Could not build the web UI; serving the API alone.", error);
}
await import("../server/main.js");
