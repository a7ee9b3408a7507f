// Foreign keys off: the migrations that follow SQLite's recipe for a
// table rebuild (https://www.sqlite.org/lang_altertable.html, "Making
// Other Kinds Of Table Schema Changes") say PRAGMA foreign_keys = OFF
// first. SQLite ignores that pragma inside a transaction, and every
// migration runs in one; so the runner notices it and has the engine turn
// foreign keys off before the migration's transaction begins, check them
// all (PRAGMA foreign_key_check) before it commits, and turn them on again.

package appdb

import (
	"context"
	"regexp"
	"strings"
)

type foreignKeysOffKey struct{}

// WithForeignKeysOff marks ctx as that of a migration that turns foreign
// keys off (the migrator does, for each migration whose SQL does).
func WithForeignKeysOff(ctx context.Context) context.Context {
	return context.WithValue(ctx, foreignKeysOffKey{}, true)
}

// ForeignKeysOff says whether ctx is that of a migration whose SQL turns
// foreign keys off (TurnsForeignKeysOff). An engine that enforces foreign
// keys per connection (SQLite) turns them off before the migration's
// transaction begins, checks every foreign key before it commits (a
// violation rolls the migration back) and turns them on again after.
func ForeignKeysOff(ctx context.Context) bool {
	off, _ := ctx.Value(foreignKeysOffKey{}).(bool)
	return off
}

// foreignKeysOffStmt is the statement, once comments and quoted text are
// blanked: PRAGMA foreign_keys = OFF (or 0, false, no; or
// PRAGMA main.foreign_keys(OFF)).
var foreignKeysOffStmt = regexp.MustCompile(`(?i)(?:^|;)\s*pragma\s+(?:main\s*\.\s*)?foreign_keys\s*(?:=\s*|\(\s*)(?:off|0|false|no)\b`)

// TurnsForeignKeysOff says whether the SQL of a migration has the
// statement PRAGMA foreign_keys = OFF (outside comments and quotes).
func TurnsForeignKeysOff(sql string) bool {
	return foreignKeysOffStmt.MatchString(blankQuoted(sql))
}

// blankQuoted replaces SQL comments and quoted text ('…', "…", `…`,
// […]) by spaces, so that what is left are keywords, names and
// punctuation.
func blankQuoted(sql string) string {
	b := []byte(sql)
	blank := func(from, to int) {
		for k := from; k < to && k < len(b); k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	for i := 0; i < len(b); i++ {
		end := -1
		switch c := b[i]; {
		case c == '-' && i+1 < len(b) && b[i+1] == '-':
			if end = strings.IndexByte(sql[i:], '\n'); end < 0 {
				end = len(b) - i
			}
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			if end = strings.Index(sql[i+2:], "*/"); end < 0 {
				end = len(b) - i
			} else {
				end += 4
			}
		case c == '\'' || c == '"' || c == '`' || c == '[':
			closer := c
			if c == '[' {
				closer = ']'
			}
			// A doubled quote inside is part of the text; it is blanked
			// as two quoted pieces side by side.
			if end = strings.IndexByte(sql[i+1:], closer); end < 0 {
				end = len(b) - i
			} else {
				end += 2
			}
		}
		if end >= 0 {
			blank(i, i+end)
			i += end - 1
		}
	}
	return string(b)
}
