#!/usr/bin/env bash
# Installs what sandkit's tests need on a Debian machine that has Go, Node
# and apt: clang, lld and wasi-libc (C guests), wrk (load tests), Chromium
# and playwright-core (browser tests), and a running PostgreSQL with the role
# and database the Postgres tests use (the role has CREATEROLE: it is the
# admin that gives each app its own role):
#   postgres://sandkit:sandkit@127.0.0.1:5432/sandkit_test Packages
# already present are skipped, so a second run is quick.
set -euo pipefail

packages=(clang lld wasi-libc libclang-rt-14-dev-wasm32 wrk chromium postgresql)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "install-deps: installing ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "install-deps: clang $(clang --version | head -1 | grep -o '[0-9][0-9.]*' | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"

# PostgreSQL: start the cluster and make the test role and database.
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
ver="$(ls /usr/lib/postgresql | sort -n | tail -1)"
if ! pg_lsclusters -h | grep -q online; then
	[ "$(id -u)" -eq 0 ] && pg_ctlcluster "$ver" main start || sudo pg_ctlcluster "$ver" main start
fi
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='sandkit'\" | grep -q 1 || psql -qc \"CREATE ROLE sandkit LOGIN PASSWORD 'sandkit' CREATEDB\""
# The test role is the host's admin URL (SANDKIT_DATABASE_URL): it creates
# each app's own role, so it needs CREATEROLE (and CREATEDB for
# bench/pgtenancy's database-per-app design).
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='sandkit' AND rolcreaterole AND rolcreatedb\" | grep -q 1 || psql -qc \"ALTER ROLE sandkit CREATEROLE CREATEDB\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='sandkit_test'\" | grep -q 1 || psql -qc \"CREATE DATABASE sandkit_test OWNER sandkit\""
echo "install-deps: PostgreSQL $ver on 127.0.0.1:5432, database sandkit_test"

# npm packages of every fixture and example the tests install, exactly as
# locked and without install scripts. This is the only step that reaches the
# npm registry: tests install offline (npm ci --offline, and sandkit's own npm
# ci under npm_config_offline=true), from node_modules here or the npm cache
# this fills (a lock entry without "resolved" needs its registry metadata
# cached too, so the install runs even where node_modules exists).
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in pages/internal/qjswasm/gen host/console/app cmd/sandkit/testdata/browser cmd/sandkit/testdata/newapp compiler/testdata/browser compiler/testdata/tsc pages/testdata/app examples/pages examples/todo examples/auth examples/conduit examples/hostile; do
	echo "install-deps: npm ci in $dir"
	(cd "$root/$dir" && npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)
done
# Go modules of sandkit and of every app and guest the tests build, so that
# the tests build offline (the test task runs with GOPROXY=off).
for mod in $(cd "$root" && git ls-files 'go.mod' '*/go.mod'); do
	(cd "$root/$(dirname "$mod")" && go mod download)
done
echo "install-deps: $(chromium --version 2>/dev/null | head -1)"
