// Warm renderToString in Node for the benchmark: node node-bench.cjs BUNDLE
// INPUT N prints {"median_ns":…, "per_sec":…} for N renders after a warm-up.
const fs = require("node:fs");
const vm = require("node:vm");
const [bundle, inputFile, n] = process.argv.slice(2);
vm.runInThisContext(fs.readFileSync(bundle, "utf8"), { filename: bundle });
const input = fs.readFileSync(inputFile, "utf8");
for (let i = 0; i < 50; i++) globalThis.__sandkit_render(input);
const times = [];
const start = process.hrtime.bigint();
for (let i = 0; i < Number(n); i++) {
  const t0 = process.hrtime.bigint();
  globalThis.__sandkit_render(input);
  times.push(Number(process.hrtime.bigint() - t0));
}
const total = Number(process.hrtime.bigint() - start);
times.sort((a, b) => a - b);
process.stdout.write(JSON.stringify({ median_ns: times[times.length >> 1], per_sec: (Number(n) * 1e9) / total }));
