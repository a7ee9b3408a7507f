// Command interploop is a minimal reproduction of where a wasm
// interpreter's time goes on wazero: interp.c, a bytecode interpreter of
// a dozen opcodes in one switch loop (the shape of QuickJS's), compiled
// once natively (cc -O2) and once to wasm (clang --target=wasm32 -O2),
// runs the same program natively, in Node's V8 and on wazero's optimizing
// compiler, in interleaved rounds, and prints each one's median and its
// ratio to native. spec/RATIONALE.md ("SSR engine") has the reading.
//
//	go run ./bench/interploop [-n 10000000] [-rounds 7]
//
// It needs cc, clang with wasm-ld and node (go tool task deps installs
// them).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"
)

func main() {
	n := flag.Int64("n", 10_000_000, "iterations of the interpreted loop (about 20 bytecodes each)")
	rounds := flag.Int("rounds", 7, "rounds of each runner, interleaved; the median is reported")
	flag.Parse()
	if err := run(*n, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "interploop:", err)
		os.Exit(1)
	}
}

func run(n int64, rounds int) error {
	here, err := sourceDir()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "interploop")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	src := filepath.Join(here, "src", "interp.c")
	native, wasmFile := filepath.Join(work, "interp"), filepath.Join(work, "interp.wasm")
	// clang for both, so that native and wasm come from one compiler (gcc
	// -O2 made this interpreter 1.5x slower than clang natively).
	if out, err := exec.Command("clang", "-O2", "-DNATIVE_MAIN", "-o", native, src).CombinedOutput(); err != nil {
		return fmt.Errorf("clang: %v\n%s", err, out)
	}
	if out, err := exec.Command("clang", "--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=run", "-Wl,--export=direct", "-Wl,--export=dispatch", "-o", wasmFile, src).CombinedOutput(); err != nil {
		return fmt.Errorf("clang: %v\n%s", err, out)
	}
	wasm, err := os.ReadFile(wasmFile)
	if err != nil {
		return err
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigCompiler())
	defer rt.Close(ctx)
	mod, err := rt.Instantiate(ctx, wasm)
	if err != nil {
		return err
	}
	fmt.Printf("interp.c, %d iterations, %d interleaved rounds, medians:\n\n", n, rounds)
	fmt.Printf("| function | runner | median | vs native |\n| --- | --- | ---: | ---: |\n")
	arg := strconv.FormatInt(n, 10)
	for _, fn := range []string{"run", "dispatch", "direct"} {
		var nat, v8, wz []time.Duration
		want := ""
		check := func(who, result string) error {
			if want == "" {
				want = result
			}
			if result != want {
				return fmt.Errorf("%s: %s computed %s, native %s", fn, who, result, want)
			}
			return nil
		}
		for range rounds {
			d, res, err := external(native, arg, "1", fn)
			if err != nil {
				return err
			}
			if err := check("native", res); err != nil {
				return err
			}
			nat = append(nat, d)
			// Node: the second call in the process, after the first's tier-up.
			d, res, err = external("node", filepath.Join(here, "src", "run.mjs"), wasmFile, arg, "2", fn)
			if err != nil {
				return err
			}
			if err := check("node", res); err != nil {
				return err
			}
			v8 = append(v8, d)
			start := time.Now()
			out, err := mod.ExportedFunction(fn).Call(ctx, uint64(n))
			wz = append(wz, time.Since(start))
			if err != nil {
				return err
			}
			if err := check("wazero", strconv.FormatInt(int64(out[0]), 10)); err != nil {
				return err
			}
		}
		nm := median(nat)
		for _, r := range []struct {
			name string
			ds   []time.Duration
		}{{"native (clang -O2)", nat}, {"Node's V8 (same wasm)", v8}, {"wazero compiler", wz}} {
			m := median(r.ds)
			fmt.Printf("| `%s` | %s | %.1f ms | %.2fx |\n", fn, r.name, float64(m.Microseconds())/1e3, float64(m)/float64(nm))
		}
	}
	return nil
}

// external runs a program that prints "nanoseconds result" lines and
// returns its last line's.
func external(name string, args ...string) (time.Duration, string, error) {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return 0, "", fmt.Errorf("%s: %v", name, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 2 {
		return 0, "", fmt.Errorf("%s printed %q", name, out)
	}
	ns, err := strconv.ParseInt(f[0], 10, 64)
	return time.Duration(ns), f[1], err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// sourceDir is this program's folder: run from the repository root.
func sourceDir() (string, error) {
	dir := filepath.Join("bench", "interploop")
	if _, err := os.Stat(filepath.Join(dir, "src", "interp.c")); err != nil {
		return "", fmt.Errorf("run it from the repository root (go run ./bench/interploop): %w", err)
	}
	return filepath.Abs(dir)
}
