//go:build wasip1

// In wasm an instance keeps one database for its life.

package auth

// nativeBuild is true outside wasm.
const nativeBuild = false
