package compiler

import (
	"strings"
	"testing"
)

func TestFixGoGetHints(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"routes/api/uuid/handler.go:4:2: missing go.sum entry for module providing package github.com/google/uuid (imported by routes/api/uuid); to add:\n\tgo get routes/api/uuid",
			"routes/api/uuid/handler.go:4:2: missing go.sum entry for module providing package github.com/google/uuid (imported by routes/api/uuid)\n\t(hint: run `go get github.com/google/uuid` in /app, with network access to the module proxy)"},
		{"routes/x/handler.go:4:2: no required module provides package github.com/nobody/nothing; to add it:\n\tgo get github.com/nobody/nothing",
			"routes/x/handler.go:4:2: no required module provides package github.com/nobody/nothing\n\t(hint: run `go get github.com/nobody/nothing` in /app, with network access to the module proxy)"},
		{"routes/x/handler.go:1:1: undefined: go get", "routes/x/handler.go:1:1: undefined: go get"},
	} {
		if got := strings.Join(fixGoGetHints(strings.Split(c.in, "\n"), "/app"), "\n"); got != c.want {
			t.Errorf("got\n%s\nwant\n%s", got, c.want)
		}
	}
}
