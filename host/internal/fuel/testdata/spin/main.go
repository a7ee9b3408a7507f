// Command spin is a test guest for package fuel: exports that spin, recurse
// forever, and do honest work, so a test can check that an instrumented build
// is stopped at its deadline and otherwise computes the same results.
//
// Build (the tests do this themselves, into a cache keyed by this source):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o spin.wasm .
package main

// sink keeps the spin loop from being proven side-effect free.
var sink int32

//go:wasmexport spin
func spin() {
	for {
		sink++
	}
}

//go:wasmexport fib
func fib(n int32) int32 {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

//go:wasmexport sum
func sum(n int32) int64 {
	var s int64
	for i := int32(0); i < n; i++ {
		s += int64(i)
	}
	return s
}

//go:wasmexport recurse
func recurse(n int32) int32 {
	return recurse(n+1) + 1
}

func main() {}
