// Fuzzing the placeholder rewriting of guest SQL for PostgreSQL: guests
// control every byte of it. The seed corpus is testdata/fuzz/FuzzPostgresPlaceholders;
// run longer with
// go test -fuzz FuzzPostgresPlaceholders ./host/appdb/postgres.

package postgres

import (
	"slices"
	"testing"

	"sandkit.dev/sandkit/host/appdb"
)

// FuzzPostgresPlaceholders checks, for any text: the lexer does not panic;
// without placeholders it returns the text unchanged; with them, the
// rewritten text lexes to the same words and punctuation (a ? became $N and
// nothing else moved in or out of a string, comment or name), every ?
// outside strings became a $N, and the screening is as strict on the
// rewritten text as on the original.
func FuzzPostgresPlaceholders(f *testing.F) {
	f.Fuzz(func(t *testing.T, q string) {
		toks, out, why := lexPostgres(q, false)
		if why != "" {
			return
		}
		if out != q {
			t.Fatalf("without placeholders the text changed:\n%q\n%q", q, out)
		}
		toks2, out2, why2 := lexPostgres(q, true)
		if why2 != "" {
			t.Fatalf("lexed without placeholders but not with: %q: %s", q, why2)
		}
		again, out3, why3 := lexPostgres(out2, false)
		if why3 != "" || out3 != out2 {
			t.Fatalf("the rewritten text does not lex: %q -> %q: %s", q, out2, why3)
		}
		if !slices.Equal(toks, toks2) || !slices.Equal(toks, again) {
			t.Fatalf("the rewriting moved tokens:\n%q\n%q\n%v\n%v", q, out2, toks, again)
		}
		// No ? is left outside strings, comments and quoted names.
		if _, out4, _ := lexPostgres(out2, true); out4 != out2 {
			t.Fatalf("a ? survived the rewriting: %q -> %q", q, out2)
		}
		_, w1 := screenPostgres(q, "sandkit_me", 0, false, appdb.PolicyGuest)
		_, w2 := screenPostgres(q, "sandkit_me", 1, false, appdb.PolicyGuest)
		if (w1 == "") != (w2 == "") {
			t.Fatalf("the screening differs with placeholders: %q: %q vs %q", q, w1, w2)
		}
	})
}
