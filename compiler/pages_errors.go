// Page build errors a person reads: esbuild's messages with positions in
// routes/ and a hint.

package compiler

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// PagesError is a page build that failed because of the app's code or
// packages. Its message lists the problems one per line, as
//
//	routes/posts/id.param/page.tsx:12:7: Expected ")" but found "}"
type PagesError struct {
	App    string // the app folder
	Output string // the problems, one per line
}

func (e *PagesError) Error() string {
	return "app " + strconv.Quote(filepath.Base(e.App)) + ": building pages failed:\n" + e.Output
}

// newPagesError formats esbuild's errors; build is "client" or "server".
func newPagesError(appDir, build string, msgs []api.Message) *PagesError {
	var lines []string
	for _, m := range msgs {
		lines = append(lines, formatMessage(m, build))
	}
	return &PagesError{App: appDir, Output: strings.Join(lines, "\n")}
}

func formatMessage(m api.Message, build string) string {
	var b strings.Builder
	if l := m.Location; l != nil {
		file := l.File
		if l.Namespace != "" && l.Namespace != "file" {
			file = l.Namespace + ":" + file
		}
		fmt.Fprintf(&b, "%s:%d:%d: ", file, l.Line, l.Column+1)
	} else {
		b.WriteString(build + " build: ")
	}
	b.WriteString(m.Text)
	for _, n := range m.Notes {
		if n.Text != "" {
			b.WriteString(" (" + n.Text + ")")
		}
	}
	if h := pagesHint(m.Text); h != "" {
		b.WriteString(" (hint: " + h + ")")
	}
	if l := m.Location; l != nil && l.LineText != "" {
		fmt.Fprintf(&b, "\n    %s", strings.TrimRight(l.LineText, " \t"))
	}
	return b.String()
}

// pagesHint suggests a fix for common esbuild errors.
func pagesHint(text string) string {
	switch {
	case strings.Contains(text, `Could not resolve "react`), strings.Contains(text, `Could not resolve "sandkit`):
		return "run `npm install react react-dom react-router` in the app folder"
	case strings.Contains(text, "Could not resolve"):
		return "check the import path, or npm install the package in the app folder"
	case strings.Contains(text, "No matching export"):
		return "check the name the module exports"
	case strings.Contains(text, "Expected") || strings.Contains(text, "Unexpected"):
		return "fix the syntax at this position"
	}
	return ""
}

// addWarnings appends esbuild's warnings about the app's own files (not
// node_modules), each once: both builds see the same sources.
func addWarnings(dst *[]string, build string, msgs []api.Message) {
	for _, m := range msgs {
		if m.Location != nil && strings.Contains(m.Location.File, "node_modules/") {
			continue
		}
		w := formatMessage(m, build)
		if !slices.Contains(*dst, w) {
			*dst = append(*dst, w)
		}
	}
}
