// Renders each overlay with `kubectl kustomize` and validates every object against the Kubernetes API schemas of
// kubernetes-models; exits non-zero naming the overlay, the object and the schema error of any invalid manifest.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const overlays = readdirSync(join(here, "overlays"), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

/** The kubernetes-models module of an apiVersion: "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1. */
async function modelOf(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}`).catch(() => null);
  return module?.[kind] ?? null;
}

let failures = 0;
let checked = 0;
for (const overlay of overlays) {
  const rendered = execFileSync("kubectl", ["kustomize", join(here, "overlays", overlay)], { encoding: "utf8" });
  const documents = parseAllDocuments(rendered);
  for (const document of documents) {
    if (document.errors.length > 0) {
      console.error(`${overlay}: YAML error: ${document.errors[0].message}`);
      failures++;
      continue;
    }

    const object = document.toJS();
    if (object === null) {
      continue;
    }

    const name = `${overlay}: ${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
    const Model = await modelOf(object.apiVersion, object.kind);
    if (Model === null) {
      console.error(`${name}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      failures++;
      continue;
    }

    try {
      new Model(object).validate();
      checked++;
    } catch (error) {
      console.error(`${name}: ${error.message}`);
      failures++;
    }
  }
}

console.log(`${checked} objects valid in ${overlays.length} overlays (${overlays.join(", ")}), ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
