// Runs interp.wasm's run(n) (or the function named by the fourth argument) in Node's V8, rounds times, printing
// "nanoseconds result" per round (bench/interploop).
import { readFileSync } from "node:fs";
const [, , file, n, rounds, fn = "run"] = process.argv;
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
for (let r = 0; r < Number(rounds); r++) {
  const t0 = process.hrtime.bigint();
  const v = instance.exports[fn](BigInt(n));
  const t1 = process.hrtime.bigint();
  console.log(`${t1 - t0} ${v}`);
}
