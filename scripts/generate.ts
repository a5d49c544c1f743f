/**
 * Writes generated/ from the contract: `api.ts` (TypeScript types, by openapi-typescript), `constants.ts` (the
 * schemas' limits and enums as values, for code that must enforce or show them: the UI's length limits, the list of
 * retryable error codes) and `openapi.json` (the same spec as JSON, which the server validates requests against at
 * run time).
 *
 *   tsx scripts/generate.ts            write the files
 *   tsx scripts/generate.ts --check    write nothing; exit 1 when a file is missing or stale
 *   --spec PATH --out DIR              other locations (the tests use these on a copy of the repo)
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { resolve, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import openapiTS, { astToString } from "openapi-typescript";
import { renderConstants } from "./render-constants.js";

const BANNER = "Generated from openapi/streaming-api.yaml by `npm run generate`. Do not edit by hand.";

const { values } = parseArgs({
  options: {
    check: { type: "boolean", default: false },
    spec: { type: "string", default: "openapi/streaming-api.yaml" },
    out: { type: "string", default: "generated" },
  },
});

async function renderFiles(specPath: string): Promise<Record<string, string>> {
  const specText = await readFile(specPath, "utf8");
  // Parse once ourselves so a YAML error names the file instead of surfacing deep in the generator.
  const spec = parseYaml(specText) as Record<string, unknown>;
  // openapi-typescript edits the document it is given (const → enum for discriminators): give it a copy, so
  // openapi.json stays exactly the spec people edit.
  // defaultNonNullable: false keeps a field with a `default` optional in the types: clients may leave it out.
  const ast = await openapiTS(structuredClone(spec) as unknown as Parameters<typeof openapiTS>[0], { alphabetize: false, defaultNonNullable: false });
  return {
    "api.ts": `/* ${BANNER} */\n\n${astToString(ast)}`,
    "constants.ts": `/* ${BANNER} */\n\n${renderConstants(spec)}`,
    "openapi.json": `${JSON.stringify({ "x-generated": BANNER, ...spec }, null, 2)}\n`,
  };
}

async function readOrEmpty(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

const outDir = resolve(values.out!);
const files = await renderFiles(resolve(values.spec!));

if (values.check) {
  const stale: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    if ((await readOrEmpty(join(outDir, name))) !== content) stale.push(relative(process.cwd(), join(outDir, name)));
  }
  if (stale.length > 0) {
    console.error(`generated/ is stale: ${stale.join(", ")} differ from ${values.spec}. Run \`npm run generate\` and commit the result.`);
    process.exit(1);
  }
  console.log(`generated/ is up to date with ${values.spec}.`);
} else {
  await mkdir(outDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(outDir, name), content);
  console.log(
    `Wrote ${Object.keys(files)
      .map((name) => join(values.out!, name))
      .join(", ")}.`,
  );
}
