import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.name === "node_modules" ? [] : listFiles(join(path, entry.name))));
}

/**
 * A hash of every file under `inputs` (paths relative to `root`), names included: a build stamped with it is stale
 * exactly when a source, a config or the lock file changed. Shared by the UI's and the server's builds.
 */
export function hashBuildInputs(root: string, inputs: readonly string[]): string {
  const hash = createHash("sha256");
  const files = inputs.flatMap((input) => listFiles(join(root, input))).sort();
  for (const file of files) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}
