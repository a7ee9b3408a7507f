// Go get hints: the go command's "to add it: go get X" advice rewritten to a
// command that works in the app folder (X can be a route's virtual package,
// which go get cannot fetch).

package compiler

import (
	"regexp"
	"strings"
)

// missingPkgRE finds the imported package in go's "no required module
// provides package P" and "missing go.sum entry for module providing
// package P" messages.
var missingPkgRE = regexp.MustCompile(`(?:no required module provides package|missing go\.sum entry for module providing package) (\S+?)[;:,]?(?:\s|$)`)

// fixGoGetHints replaces each "\tgo get X" line that follows such a
// message with a hint naming the missing package, to be run in appDir.
func fixGoGetHints(lines []string, appDir string) []string {
	pkg := ""
	for i, l := range lines {
		if m := missingPkgRE.FindStringSubmatch(l); m != nil {
			pkg = m[1]
			lines[i] = strings.TrimSuffix(strings.TrimSuffix(l, "; to add it:"), "; to add:")
			continue
		}
		if pkg != "" && strings.HasPrefix(strings.TrimSpace(l), "go get ") {
			lines[i] = "\t(hint: run `go get " + pkg + "` in " + appDir + ", with network access to the module proxy)"
			pkg = ""
		}
	}
	return lines
}
