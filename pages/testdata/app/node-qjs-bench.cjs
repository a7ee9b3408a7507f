// The same QuickJS wasm as the engine's, run by Node's wasm engine, for the benchmark:
// node node-qjs-bench.cjs PRELUDE BUNDLE INPUT N prints
// {"median_ns":…, "per_sec":…, "bytes":…} for N renders after a warm-up.
const fs = require("node:fs");
const path = require("node:path");
const dist = path.join(__dirname, "node_modules/@jitl/quickjs-wasmfile-release-sync/dist");
const QuickJSRaw = require(path.join(dist, "emscripten-module.cjs"));
const { QuickJSFFI } = require(path.join(dist, "ffi.js"));
// The module the engine embeds (the npm build after wasm-opt), not the
// package's own: the npm glue runs it, as its imports and exports are the same.
const wasmBinary = fs.readFileSync(path.join(__dirname, "../../internal/qjswasm/emscripten-module.wasm"));

(async () => {
  const [preludeFile, bundleFile, inputFile, n] = process.argv.slice(2);
  const mod = await QuickJSRaw({ wasmBinary });
  const ffi = new QuickJSFFI(mod);
  const rt = ffi.QTS_NewRuntime();
  const ctx = ffi.QTS_NewContext(rt, 0);
  const cstr = (s) => {
    const len = mod.lengthBytesUTF8(s);
    const p = mod._malloc(len + 1);
    mod.stringToUTF8(s, p, len + 1);
    return [p, len];
  };
  const check = (v) => {
    const exc = ffi.QTS_ResolveException(ctx, v);
    if (exc) throw new Error(mod.UTF8ToString(ffi.QTS_Dump(ctx, exc)));
    return v;
  };
  const evalJS = (code, name) => {
    const [p, len] = cstr(code);
    const v = check(ffi.QTS_Eval(ctx, p, len, name, 0, 0));
    mod._free(p);
    return v;
  };
  ffi.QTS_FreeValuePointer(ctx, evalJS(fs.readFileSync(preludeFile, "utf8"), "prelude"));
  ffi.QTS_FreeValuePointer(ctx, evalJS(fs.readFileSync(bundleFile, "utf8"), "bundle"));
  const fn = evalJS("globalThis.__sandkit_render", "fn");
  const argv = mod._malloc(4);
  const undef = ffi.QTS_GetUndefined();
  const input = fs.readFileSync(inputFile, "utf8");
  const render = () => {
    const [p] = cstr(input);
    const s = ffi.QTS_NewString(ctx, p);
    mod._free(p);
    new DataView(mod.HEAPU8.buffer).setUint32(argv, s, true);
    const res = check(ffi.QTS_Call(ctx, fn, undef, 1, argv));
    ffi.QTS_FreeValuePointer(ctx, s);
    const cs = ffi.QTS_GetString(ctx, res);
    const out = mod.UTF8ToString(cs);
    ffi.QTS_FreeCString(ctx, cs);
    ffi.QTS_FreeValuePointer(ctx, res);
    return out;
  };
  let bytes = 0;
  for (let i = 0; i < 5; i++) bytes = Buffer.byteLength(render());
  const times = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < Number(n); i++) {
    const t0 = process.hrtime.bigint();
    render();
    times.push(Number(process.hrtime.bigint() - t0));
  }
  const total = Number(process.hrtime.bigint() - start);
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ median_ns: times[times.length >> 1], per_sec: (Number(n) * 1e9) / total, bytes }));
})().catch((e) => { console.error(e); process.exit(1); });
