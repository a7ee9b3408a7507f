// The JavaScript evaluated before every server bundle (the few web APIs
// React's server.edge build needs that QuickJS lacks) and after it (the
// check and wrapper around the bundle's render function).

package pages

// prelude defines TextEncoder (UTF-8 only, as the web API), a console
// whose methods do nothing (a render has no place to print to), and the
// performance.now() and queueMicrotask that QuickJS-NG had built in and
// Bellard's QuickJS lacks. performance.now() counts from the prelude's
// evaluation on Date.now() (the build's emscripten_date_now import: whole
// milliseconds of the host's wall clock; it imports no monotonic clock),
// and never goes back within an instance. queueMicrotask queues a job as a
// resolved promise's reaction does, which is what the built-in did.
const prelude = `(function () {
  "use strict";
  // utf8 encodes s, stopping before a character that would take the
  // output past limit bytes; it returns the bytes and the UTF-16 units read.
  function utf8(s, limit) {
    var out = [], i;
    for (i = 0; i < s.length; i++) {
      var start = i, before = out.length;
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
        else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      if (out.length > limit) { out.length = before; i = start; break; }
    }
    return { bytes: out, read: i };
  }
  function TextEncoder() {}
  Object.defineProperty(TextEncoder.prototype, "encoding", { get: function () { return "utf-8"; } });
  TextEncoder.prototype.encode = function (s) {
    return new Uint8Array(utf8(s === undefined ? "" : String(s), Infinity).bytes);
  };
  TextEncoder.prototype.encodeInto = function (s, dest) {
    var r = utf8(String(s), dest.length);
    dest.set(r.bytes);
    return { read: r.read, written: r.bytes.length };
  };
  if (typeof globalThis.TextEncoder === "undefined") globalThis.TextEncoder = TextEncoder;
  if (typeof globalThis.performance === "undefined") {
    var origin = Date.now(), last = 0;
    var performance = {
      now: function () {
        var t = Date.now() - origin;
        if (t < last) t = last;
        return (last = t);
      },
    };
    Object.defineProperty(performance, "timeOrigin", { value: origin, enumerable: true });
    globalThis.performance = performance;
  }
  if (typeof globalThis.queueMicrotask === "undefined") {
    var resolved = Promise.resolve();
    globalThis.queueMicrotask = function queueMicrotask(callback) {
      if (typeof callback !== "function") throw new TypeError("queueMicrotask: the callback is not a function");
      resolved.then(function () { callback(); });
    };
  }
  if (typeof globalThis.console === "undefined") {
    var noop = function () {};
    globalThis.console = { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop };
  }
})();`

// renderWrapper checks the render protocol (spec/pages.md) and returns the
// function Render calls.
const renderWrapper = `(function () {
  "use strict";
  var render = globalThis.__sandkit_render;
  if (typeof render !== "function") {
    throw new TypeError("the server bundle did not define globalThis.__sandkit_render (it is " + typeof render + "); see spec/pages.md");
  }
  return function (input) {
    var out = render(input);
    if (typeof out !== "string") {
      throw new TypeError("__sandkit_render returned " + (out === null ? "null" : typeof out) + ", want a string");
    }
    return out.indexOf("\0") === -1 ? out : out.replace(/\0/g, "\uFFFD");
  };
})()`
