// Validates Kubernetes manifests offline against the Kubernetes API schemas (kubernetes-models) and KEDA's
// (@kubernetes-models/keda). Input: multi-document YAML files given as arguments (for example the output of
// `kubectl kustomize k8s/overlays/dev`), or standard input when none is given.
// Output: one line per object, "ok <kind>/<name>" or "invalid <kind>/<name>: <reasons>", then a summary line
// "N valid, M invalid". Exit code: 0 when every object is valid and of a known kind, 1 otherwise, 2 on bad input.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function readInput(paths) {
  if (paths.length === 0) {
    return [["<stdin>", readFileSync(0, "utf8")]];
  }
  return paths.map((p) => [p, readFileSync(p, "utf8")]);
}

// apiVersion "apps/v1" + kind "Deployment" → the module exporting the model class.
function modulePath(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "keda.sh" || group === "eventing.keda.sh") {
    return `@kubernetes-models/keda/${group}/${version}/${kind}`;
  }
  return group === "" ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

function describe(error) {
  if (Array.isArray(error?.errors)) {
    return error.errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`).join("; ");
  }
  return String(error?.message ?? error);
}

async function main() {
  let valid = 0;
  let invalid = 0;
  for (const [file, text] of await readInput(process.argv.slice(2))) {
    const documents = parseAllDocuments(text);
    for (const document of documents) {
      if (document.errors.length > 0) {
        console.error(`error: ${file}: not valid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
        process.exit(2);
      }
      const object = document.toJS();
      if (object === null || object === undefined) {
        continue;
      }
      const name = `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
      if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
        console.log(`invalid ${name}: apiVersion and kind are required`);
        invalid++;
        continue;
      }
      if (object.kind === "Secret" && object.data && typeof object.data === "object") {
        // kustomize wraps long base64 values over several lines; the API server's decoder ignores line breaks.
        for (const key of Object.keys(object.data)) {
          if (typeof object.data[key] === "string") {
            object.data[key] = object.data[key].replace(/\s+/g, "");
          }
        }
      }
      let Model;
      try {
        Model = (await import(modulePath(object.apiVersion, object.kind)))[object.kind];
      } catch {
        Model = undefined;
      }
      if (typeof Model !== "function") {
        console.log(`invalid ${name}: no schema for ${object.apiVersion} ${object.kind}`);
        invalid++;
        continue;
      }
      try {
        new Model(object).validate();
        console.log(`ok ${name}`);
        valid++;
      } catch (error) {
        console.log(`invalid ${name}: ${describe(error)}`);
        invalid++;
      }
    }
  }
  console.log(`${valid} valid, ${invalid} invalid`);
  process.exit(invalid === 0 && valid > 0 ? 0 : 1);
}

main().catch((error) => {
  console.error(`error: ${error?.message ?? error}`);
  process.exit(2);
});
