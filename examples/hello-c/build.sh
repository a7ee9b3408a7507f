#!/bin/sh
# build.sh: builds routes/c/handler.wasm from routes/c/handler.c and the C SDK.
# The same commands as `make` and host/internal/cguest (which checks the
# checked-in handler.wasm is reproducible): compile with -O2, link without an
# -O level so clang never runs binaryen's wasm-opt. Needs clang, lld, wasi-libc.
set -eu
cd "$(dirname "$0")"
SDK=../../guest-sdk/c
CC="clang --target=wasm32-wasi -std=c11 -O2 -Wall -I$SDK -Iroutes/c"
OBJ=$(mktemp -d)
trap 'rm -rf "$OBJ"' EXIT
$CC -c -o "$OBJ/sandkit.o" "$SDK/sandkit.c"
$CC -c -o "$OBJ/handler.o" routes/c/handler.c
clang --target=wasm32-wasi -Wl,--strip-debug -mexec-model=reactor \
	-o routes/c/handler.wasm "$OBJ/sandkit.o" "$OBJ/handler.o"
