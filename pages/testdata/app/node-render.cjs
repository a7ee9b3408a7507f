// Renders inputs with the same server bundle in Node, for the golden test:
// node node-render.cjs BUNDLE INPUT... prints one JSON array of strings.
const fs = require("node:fs");
const vm = require("node:vm");
const [bundle, ...inputs] = process.argv.slice(2);
vm.runInThisContext(fs.readFileSync(bundle, "utf8"), { filename: bundle });
const out = inputs.map((f) => globalThis.__sandkit_render(fs.readFileSync(f, "utf8")));
process.stdout.write(JSON.stringify(out));
