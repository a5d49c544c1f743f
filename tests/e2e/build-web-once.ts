/** Vitest global setup of the e2e project: the UI is built (if stale) once, before the test files start servers. */
import { ensureWebBuild } from "../../scripts/build-web.js";

export default async function buildWebOnce(): Promise<void> {
  await ensureWebBuild();
}
