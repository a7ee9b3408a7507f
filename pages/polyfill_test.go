package pages

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestTextEncoder: the prelude's TextEncoder agrees with the web API on
// encode and encodeInto, surrogates included.
func TestTextEncoder(t *testing.T) {
	r := load(t, `globalThis.__sandkit_render = function (s) {
		var e = new TextEncoder(), out = [];
		out.push(e.encoding, Array.from(e.encode("aé€😀")).join(","), e.encode().length, e.encode("\ud800x").join(","));
		var buf = new Uint8Array(5), res = e.encodeInto("a€😀", buf);
		out.push(res.read, res.written, Array.from(buf).join(","));
		return out.join(" | ");
	};`)
	want := "utf-8 | 97,195,169,226,130,172,240,159,152,128 | 0 | 239,191,189,120 | 2 | 4 | 97,226,130,172,0"
	if got := render(t, r, "x"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestClocks: Date is the host's wall clock in UTC, performance.now() a
// monotonic clock that advances.
func TestClocks(t *testing.T) {
	r := load(t, `globalThis.__sandkit_render = function () {
		var a = performance.now(), end = Date.now() + 5;
		while (Date.now() < end) {}
		var b = performance.now();
		return [Date.now(), new Date(0).getHours(), new Date(0).getTimezoneOffset(), b - a >= 4, b - a < 1000].join(" ");
	};`)
	got := strings.Fields(render(t, r, "x"))
	ms, _ := strconv.ParseInt(got[0], 10, 64)
	if d := time.Since(time.UnixMilli(ms)); d < 0 || d > time.Minute {
		t.Errorf("Date.now() is %v away from the host's clock", d)
	}
	if strings.Join(got[1:], " ") != "0 0 true true" {
		t.Errorf("got %v, want local time in UTC and a monotonic clock that advanced ~5 ms", got)
	}
}

// TestPerformanceAndQueueMicrotask: the prelude's performance and
// queueMicrotask (Bellard's QuickJS has neither) behave as the web APIs
// do, as far as a synchronous render can see.
func TestPerformanceAndQueueMicrotask(t *testing.T) {
	r := load(t, `globalThis.__sandkit_render = function () {
		var out = [typeof performance.now(), performance.timeOrigin <= Date.now(), Date.now() - performance.timeOrigin < 60000];
		var prev = performance.now(), ok = true;
		for (var i = 0; i < 1000; i++) { var t = performance.now(); if (t < prev) ok = false; prev = t; }
		out.push(ok, typeof queueMicrotask);
		try { queueMicrotask(1); out.push("no error"); } catch (e) { out.push(e.name); }
		queueMicrotask(function () {});
		return out.join(" ");
	};`)
	want := "number true true true function TypeError"
	if got := render(t, r, "x"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
