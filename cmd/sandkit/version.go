// sandkit version: which sandkit this binary is.

package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

var versionCmd = &command{
	name:    "version",
	summary: "print the version of sandkit",
	usage:   versionUsage,
	run:     runVersion,
}

const versionUsage = "Usage: sandkit version\n\nPrints the module version of this binary and, when it was built from a git checkout, its revision.\n"

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if args[0] == "--help" || args[0] == "-h" {
			fmt.Fprint(stderr, versionUsage)
			return nil
		}
		return usageError{msg: "version takes no arguments"}
	}
	fmt.Fprintf(stdout, "sandkit %s (%s, %s/%s)\n", sandkitVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// sandkitVersion is the module version of this binary ("v0.3.0",
// "(devel)" when built inside a checkout) followed by the VCS revision and
// a "+dirty" mark when the build recorded them and the version does not
// already name the revision (go install in a clone stamps a pseudo-version
// such as v0.0.0-20261202072419-20404da28065).
func sandkitVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" && !strings.Contains(v, rev) { // a pseudo-version already names it
		v += " " + rev + dirty
	}
	return v
}
