// Validates an AsyncAPI document with the standard parser (@asyncapi/parser): prints every
// diagnostic of severity error or warning and exits 1 when there is an error.
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"));
let errors = 0;
for (const d of diagnostics) {
  // severity: 0 error, 1 warning, 2 information, 3 hint
  if (d.severity > 1) continue;
  if (d.severity === 0) errors += 1;
  console.log(`${d.severity === 0 ? "error" : "warning"} ${d.code} at ${d.path.join(".")}: ${d.message}`);
}
if (document) {
  console.log(`channels ${document.channels().length} operations ${document.operations().length} messages ${document.components().messages().length}`);
}
process.exit(errors || !document ? 1 : 0);
