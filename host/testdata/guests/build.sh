#!/bin/sh
# build.sh: builds the C test guests next to their sources. Each line is the
# command host/internal/cguest runs (cguest.Args); its test rebuilds every
# module listed here and checks the bytes equal the checked-in .wasm files.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
set -eu
cd "$(dirname "$0")"
SDK=../../../guest-sdk/c
CC="clang --target=wasm32-wasi -std=c11 -O2 -Wall -Wl,--strip-debug"

# sdk NAME [DEFINE]: a reactor linked with the C SDK (sandkit.c).
sdk() {
	$CC -mexec-model=reactor -I"$SDK" -I. ${2:+-D$2} -o "$1.wasm" "$SDK/sandkit.c" "./${3:-$1}.c"
}

sdk ok
sdk ok_v1 VERSION=1 ok
sdk ok_v2 VERSION=2 ok
for g in trap spin membomb badptr huge headers send env log body work; do
	sdk "$g"
done
# Raw reactors without the SDK, and one WASI command (CGI, spec §7).
$CC -mexec-model=reactor -I. -o badversion.wasm ./badversion.c
$CC -mexec-model=reactor -I. -o noexports.wasm ./noexports.c
$CC -I. -o cgi.wasm ./cgi.c
