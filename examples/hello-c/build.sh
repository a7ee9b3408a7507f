#!/bin/sh
# build.sh: builds routes/c/handler.wasm from routes/c/handler.c and the C SDK.
# The same command as `make` and host/internal/cguest (which checks the
# checked-in handler.wasm is reproducible). Needs clang, lld, wasi-libc.
set -eu
cd "$(dirname "$0")"
SDK=../../guest-sdk/c
clang --target=wasm32-wasi -std=c11 -O2 -Wall -Wl,--strip-debug -mexec-model=reactor \
	-I"$SDK" -Iroutes/c -o routes/c/handler.wasm "$SDK/sandkit.c" routes/c/handler.c
