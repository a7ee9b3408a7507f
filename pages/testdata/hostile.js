// The hostile pages of the engine's tests (pages' TestHostilePages and
// host/internal/fuel's TestHostileRendersWithFuel): "<p>ok</p>" for route
// "ok"; every other route misbehaves in the way its name says.
globalThis.__sandkit_render = function (input) {
  var p = JSON.parse(input);
  switch (p.route) {
  case "ok": return "<p>ok</p>";
  case "throw": throw new Error("page failed");
  case "spin": for (;;) {}
  case "spin-catch": for (;;) { try { for (;;) {} } catch (e) {} }
  case "alloc": var a = []; for (;;) a.push(new Array(100000).fill(a.length));
  case "string-alloc": var s = "x"; for (;;) s = s + s;
  case "regex": return String(/^(a+)+$/.test("a".repeat(40) + "b"));
  case "regex-long": return String(/(x+x+)+y/.test("x".repeat(5000)));
  case "repeat": return "x".repeat(1 << 29);
  case "repeat-fit": return String("x".repeat(40 << 20).length);
  case "sort": var arr = []; for (var i = 0; i < 200000; i++) arr.push((i * 7919) % 200000);
    arr.sort(function (a, b) { for (var j = 0; j < 1000; j++) {} return a - b; }); return "sorted";
  case "sort-bad": var arr2 = []; for (var k = 0; k < 200000; k++) arr2.push(k);
    for (;;) arr2.sort(function () { return Math.random() - 0.5; });
  case "recurse": var f = function (n) { return f(n + 1) + 1; }; return String(f(0));
  case "recurse-catch": var g = function (n) { try { return g(n + 1) + 1; } catch (e) { return g(n + 1); } }; return String(g(0));
  case "json-deep": return JSON.stringify(JSON.parse("[".repeat(1e6) + "]".repeat(1e6)));
  case "bigint": var b = 3n; for (;;) b = b * b;
  case "bigint-pow": for (;;) (7n ** 1000000n).toString();
  case "repeat-big": for (;;) "x".repeat(40 << 20);
  case "join": for (;;) new Array(5e6).fill(1).join("");
  case "stringify": for (;;) JSON.stringify(new Array(3e6).fill("ab"));
  }
  throw new Error("unknown route " + p.route);
};
