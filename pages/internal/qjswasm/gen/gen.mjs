// Fetches the pinned QuickJS wasm build (Fabrice Bellard's QuickJS, as built
// by quickjs-emscripten) from npm, checks its sha256, optimizes it with
// binaryen's wasm-opt (pinned in package.json, run by Node: no other tool),
// checks the result's sha256 too, and derives the import/export name map
// from the package's own emscripten glue, run against the optimized module.
//
// Why wasm-opt: the npm build is compiled for size (-Oz), which leaves small
// functions uninlined, and a call costs more on wazero than in V8. Inlining
// functions of up to 60 instructions (wasmOptFlags) made a render 1.14x
// faster on wazero (spec/RATIONALE.md, "SSR engine: the build").
//
// Run through `go generate ./pages/...` (from pages/internal/qjswasm). It
// writes, beside qjswasm.go: emscripten-module.wasm, names.json, LICENSE
// (the package's, which carries QuickJS's too) and ffi.d.ts (the truth
// for FFI signatures). Nothing in names.json is written by hand: exports are
// matched by identity (the glue assigns Module._QTS_X = exports.y), the few
// internal exports by the order the glue calls them, and imports by their
// source text, with every rule required to match exactly one import.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const genDir = path.dirname(fileURLToPath(import.meta.url));
// QJSWASM_OUT redirects the outputs (the reproducibility test uses it).
const outDir = process.env.QJSWASM_OUT || path.dirname(genDir);
const pkgName = "@jitl/quickjs-wasmfile-release-sync";

function fail(msg) {
  console.error(`qjswasm gen: ${msg}`);
  process.exit(1);
}

function sha256(b) {
  return createHash("sha256").update(b).digest("hex");
}

// wasmOptFlags: binaryen's -O3, inlining every function of up to 60
// instructions (the default limits are 2 and 20; 60 was the fastest of
// the limits measured, spec/RATIONALE.md), with exactly the features the
// npm build uses, so the output uses no other.
const wasmOptFlags = [
  "-O3",
  "--always-inline-max-function-size=60",
  "--flexible-inline-max-function-size=60",
  "--enable-sign-ext",
  "--enable-bulk-memory",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
];

async function main() {
// The pinned hash lives in qjswasm.go, so Go code and this script agree.
const goSrc = fs.readFileSync(path.join(path.dirname(genDir), "qjswasm.go"), "utf8");
const pinned = /PinnedSHA256\s*=\s*"([0-9a-f]{64})"/.exec(goSrc)?.[1];
if (!pinned) fail("no PinnedSHA256 constant in qjswasm.go");
const built = /BuildSHA256\s*=\s*"([0-9a-f]{64})"/.exec(goSrc)?.[1];
if (!built) fail("no BuildSHA256 constant in qjswasm.go");

// npm ci into a temporary folder: nothing of node_modules lands in the repo.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sandkit-qjswasm-"));
try {
  for (const f of ["package.json", "package-lock.json"]) {
    fs.copyFileSync(path.join(genDir, f), path.join(tmp, f));
  }
  execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: tmp, stdio: "inherit" });
  const pkgDir = path.join(tmp, "node_modules", pkgName);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const npmWasm = path.join(pkgDir, "dist", "emscripten-module.wasm");
  const sum = sha256(fs.readFileSync(npmWasm));
  if (sum !== pinned) {
    fail(`${pkgName}@${pkg.version}: emscripten-module.wasm has sha256 ${sum}, want ${pinned} (PinnedSHA256 in qjswasm.go); update the constant only after reviewing the new build`);
  }
  const optimized = path.join(tmp, "optimized.wasm");
  const wasmOpt = path.join(tmp, "node_modules", "binaryen", "bin", "wasm-opt");
  execFileSync(process.execPath, [wasmOpt, ...wasmOptFlags, npmWasm, "-o", optimized], { stdio: "inherit" });
  const wasm = fs.readFileSync(optimized);
  const builtSum = sha256(wasm);
  if (builtSum !== built) {
    fail(`wasm-opt ${wasmOptFlags.join(" ")} gave sha256 ${builtSum}, want ${built} (BuildSHA256 in qjswasm.go); update the constant only after measuring the new build`);
  }
  const names = await deriveNames(pkgDir, wasm);
  const ordered = {
    package: pkgName, version: pkg.version, npm_wasm_sha256: sum,
    wasm_opt: wasmOptFlags.join(" "), wasm_sha256: builtSum,
    memory: names.memory, imports: names.imports, exports: names.exports,
  };
  fs.writeFileSync(path.join(outDir, "emscripten-module.wasm"), wasm);
  fs.writeFileSync(path.join(outDir, "names.json"), JSON.stringify(ordered, null, 2) + "\n");
  fs.copyFileSync(path.join(pkgDir, "LICENSE"), path.join(outDir, "LICENSE"));
  fs.copyFileSync(path.join(pkgDir, "dist", "ffi.d.ts"), path.join(outDir, "ffi.d.ts"));
  console.log(`qjswasm gen: ${pkgName}@${pkg.version} sha256 ${sum}, optimized ${builtSum}: ${Object.keys(names.imports).length} imports, ${Object.keys(names.exports).length} exports`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
}

// Import rules: a predicate over the import's source text, and the name the
// emscripten (or quickjs-emscripten) source gives that import. Every rule
// must match exactly one import and every import exactly one rule, so a
// build that adds or drops an import fails here. (This build has no
// clock_time_get: its clocks are emscripten_date_now and _localtime_js.)
const importRules = [
  ["__assert_fail", (s) => s.includes("Assertion failed")],
  ["abort", (s) => /^\(\)=>\w+\(""\)$/.test(s)],
  ["_emscripten_runtime_keepalive_clear", (s) => /^\(\)=>\{\w+=!1;\w+=0\}$/.test(s)],
  ["_localtime_js", (s) => s.includes("getSeconds()")],
  ["_setitimer_js", (s) => s.includes("setTimeout(")],
  ["_tzset_js", (s) => s.includes("padStart(") && s.includes("getTimezoneOffset()")],
  ["emscripten_date_now", (s) => /^\(\)=>Date\.now\(\)$/.test(s)],
  ["emscripten_resize_heap", (s) => s.includes(".grow(")],
  ["environ_get", (s) => s.includes("Infinity") && /for\(\w+ of \w+\(\)\)/.test(s)],
  ["environ_sizes_get", (s) => /=\w+\.length;/.test(s) && /for\(var \w+ of \w+\)/.test(s)],
  // Without a filesystem emscripten links stubs: fd_close answers ENOSYS
  // (52), fd_seek ESPIPE (70).
  ["fd_close", (s) => /^\(\)=>52$/.test(s)],
  ["fd_seek", (s) => /^function\(\)\{return 70\}$/.test(s)],
  ["fd_write", (s) => /10===\w+/.test(s) && s.includes(".decode(")],
  ["proc_exit", (s) => s.includes("onExit")],
  ["qts_host_call_function", (s) => s.includes("callbacks.callFunction(")],
  ["qts_host_interrupt_handler", (s) => s.includes("callbacks.shouldInterrupt(")],
  ["qts_host_load_module_source", (s) => s.includes("callbacks.loadModuleSource(")],
  ["qts_host_normalize_module", (s) => s.includes("callbacks.normalizeModule(")],
  ["qts_host_free_host_ref", (s) => s.includes("callbacks.freeHostRef(")],
];

async function deriveNames(pkgDir, wasm) {
  const require = createRequire(path.join(pkgDir, "package.json"));
  const glue = require(path.join(pkgDir, "dist", "emscripten-module.cjs"));
  const module = new WebAssembly.Module(wasm);
  const declaredImports = WebAssembly.Module.imports(module);
  const declaredExports = WebAssembly.Module.exports(module).map((e) => e.name);

  const calls = []; // minified export names, in call order
  let recordOnly = false;
  let imports, wrapped, memory;
  const raw = await glue({
    instantiateWasm(importObject, done) {
      imports = importObject;
      const instance = new WebAssembly.Instance(module, importObject);
      wrapped = {};
      for (const name of declaredExports) {
        const f = instance.exports[name];
        wrapped[name] = function (...args) {
          calls.push(name);
          return recordOnly ? 0 : f(...args);
        };
      }
      done({ exports: wrapped }, module);
      return {};
    },
  });

  // Imports: one module ("a"); the memory by its type, functions by source.
  const out = { imports: {}, exports: {} };
  const importModules = new Set(declaredImports.map((i) => i.module));
  if (importModules.size !== 1) fail(`imports from ${[...importModules]}, want one module`);
  const [modName] = importModules;
  const used = new Set();
  for (const imp of declaredImports) {
    const v = imports[modName][imp.name];
    if (imp.kind === "memory") {
      if (!(v instanceof WebAssembly.Memory)) fail(`import ${imp.name}: kind memory but glue gives ${typeof v}`);
      memory = { module: modName, name: imp.name, initial_bytes: v.buffer.byteLength };
      continue;
    }
    const src = v.toString();
    const hits = importRules.filter(([, pred]) => pred(src)).map(([n]) => n);
    if (hits.length !== 1) fail(`import ${modName}.${imp.name} matches ${hits.length} rules (${hits}): ${src}`);
    if (used.has(hits[0])) fail(`rule ${hits[0]} matches two imports`);
    used.add(hits[0]);
    out.imports[imp.name] = hits[0];
  }
  for (const [n] of importRules) if (!used.has(n)) fail(`no import matches rule ${n}`);

  // Exports the glue names on Module: by identity.
  const byFn = new Map(Object.entries(wrapped).map(([k, f]) => [f, k]));
  for (const [key, v] of Object.entries(raw)) {
    if (key.startsWith("_") && typeof v === "function" && byFn.has(v)) {
      out.exports[key.slice(1)] = byFn.get(v);
    }
  }
  // __wasm_call_ctors: the one export the glue called while starting.
  if (calls.length !== 1) fail(`glue called ${calls.length} exports while starting, want 1 (__wasm_call_ctors)`);
  out.exports.__wasm_call_ctors = calls[0];
  // The stack helpers: ccall with a string argument saves the stack,
  // allocates the string on it, calls, and restores.
  calls.length = 0;
  raw.cwrap("QTS_TestStringArg", null, ["string"])("x");
  if (calls.length !== 4 || calls[2] !== out.exports.QTS_TestStringArg) fail(`cwrap called ${calls}, want get_current, alloc, QTS_TestStringArg, restore`);
  out.exports.emscripten_stack_get_current = calls[0];
  out.exports._emscripten_stack_alloc = calls[1];
  out.exports._emscripten_stack_restore = calls[3];
  // _emscripten_timeout: what the timer import calls back (not run: the
  // wrappers only record from here on).
  recordOnly = true;
  calls.length = 0;
  const setitimer = Object.entries(out.imports).find(([, n]) => n === "_setitimer_js")[0];
  imports[modName][setitimer](0, 1);
  await new Promise((r) => setTimeout(r, 20));
  if (calls.length !== 1) fail(`timer called ${calls.length} exports, want 1`);
  out.exports._emscripten_timeout = calls[0];

  const named = new Set(Object.values(out.exports));
  const unnamed = declaredExports.filter((e) => !named.has(e));
  if (unnamed.length) fail(`exports left unnamed: ${unnamed}`);
  if (named.size !== Object.keys(out.exports).length) fail("two names for one export");
  out.exports = Object.fromEntries(Object.entries(out.exports).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  out.imports = Object.fromEntries(Object.entries(out.imports).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0)));
  out.memory = memory;
  return out;
}

await main();
