//go:build !wasip1

// Natively the package runs only under go test, where each test may open
// a fresh database (sandkittest.OpenDB).

package auth

// nativeBuild is true outside wasm.
const nativeBuild = true
