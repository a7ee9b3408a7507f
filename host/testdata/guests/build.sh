#!/bin/sh
# build.sh: builds the C test guests next to their sources. The commands are
# the ones host/internal/cguest runs (cguest.Steps): compile each source with
# -O2, then link without an -O level, so clang never runs binaryen's wasm-opt
# (it would whenever one is installed). Its test rebuilds every module listed
# here and checks the bytes equal the checked-in .wasm files.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")"
SDK=../../../guest-sdk/c
CC="clang --target=wasm32-wasi -std=c11 -O2 -Wall"
LD="clang --target=wasm32-wasi -Wl,--strip-debug"
OBJ=$(mktemp -d)
trap 'rm -rf "$OBJ"' EXIT

# sdk NAME [DEFINE [SOURCE]]: a reactor linked with the C SDK (sandkit.c).
sdk() {
	$CC -I"$SDK" -I. ${2:+-D$2} -c -o "$OBJ/sandkit.o" "$SDK/sandkit.c"
	$CC -I"$SDK" -I. ${2:+-D$2} -c -o "$OBJ/$1.o" "./${3:-$1}.c"
	$LD -mexec-model=reactor -o "$1.wasm" "$OBJ/sandkit.o" "$OBJ/$1.o"
}

# raw NAME [LINKFLAGS]: one source without the SDK.
raw() {
	$CC -I. -c -o "$OBJ/$1.o" "./$1.c"
	$LD ${2:-} -o "$1.wasm" "$OBJ/$1.o"
}

sdk ok
sdk ok_v1 VERSION=1 ok
sdk ok_v2 VERSION=2 ok
for g in trap spin membomb badptr huge headers send env log body work; do
	sdk "$g"
done
# Raw reactors without the SDK, and one WASI command (CGI, spec §7).
raw badversion -mexec-model=reactor
raw noexports -mexec-model=reactor
raw cgi
