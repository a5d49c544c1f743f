/**
 * Compiles the server to JavaScript (`npm run build:server`): `tsc -p tsconfig.server.json` writes `dist/server`, and
 * beside it the `dist/contract` and `dist/generated` it imports (the spec's JSON included), so that plain
 * `node dist/server/main.js` runs it with no TypeScript loader. With `--if-stale` it builds only when its inputs changed
 * since the last build (`npm start` does this); staleness is a hash of the inputs' contents, as for the UI.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { hashBuildInputs } from "./hash-build-inputs.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Where `npm start` runs the server from: `dist/server/main.js`. */
const SERVER_OUT_DIR = join(ROOT, "dist");
/** Holds the hash of the inputs `<outDir>/server` was built from. */
const STAMP_FILE = "server/.build-inputs-hash";
/** Everything the output depends on; the lock file pins the compiler. */
const INPUTS = ["server", "contract", "generated", "tsconfig.json", "tsconfig.server.json", "package-lock.json"];
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

const hashInputs = () => hashBuildInputs(ROOT, INPUTS);

/**
 * Builds unless `outDir` was built from exactly the current inputs. Returns whether it built; rejects with tsc's
 * diagnostics when the server does not compile (type errors included: a production build of code that does not type
 * check is not one to run). `outDir` is for tests; `npm start` runs the server from `dist`.
 */
export async function ensureServerBuild({ force = false, outDir = SERVER_OUT_DIR }: { force?: boolean; outDir?: string } = {}): Promise<boolean> {
  const inputsHash = hashInputs();
  const stamp = join(outDir, STAMP_FILE);
  const upToDate = existsSync(join(outDir, "server/main.js")) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputsHash;
  if (upToDate && !force) return false;
  // The output of a source file since renamed or deleted would otherwise stay, importable. Only server/: contract/
  // and generated/ in dist are shared with the SDK's build (`npm run build:sdk`), which writes the same files there.
  rmSync(join(outDir, "server"), { recursive: true, force: true });
  try {
    await promisify(execFile)(process.execPath, [TSC, "-p", "tsconfig.server.json", "--outDir", outDir, "--pretty", "false"], { cwd: ROOT });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p tsconfig.server.json failed:\n${stdout ?? ""}${stderr ?? ""}`.trimEnd(), { cause: error });
  }
  writeFileSync(stamp, inputsHash);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  try {
    const built = await ensureServerBuild({ force: !process.argv.includes("--if-stale") });
    console.log(built ? `Built the server into dist/server in ${Math.round(performance.now() - started)} ms.` : "The server in dist/server is up to date.");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
