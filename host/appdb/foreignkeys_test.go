package appdb_test

import (
	"strings"
	"testing"

	"sandkit.dev/sandkit/host/appdb"
)

func TestTurnsForeignKeysOff(t *testing.T) {
	for sql, want := range map[string]bool{
		"PRAGMA foreign_keys = OFF;\nCREATE TABLE t (x);":        true,
		"-- rebuild t\npragma Foreign_Keys=off;":                 true,
		"CREATE TABLE a (x); PRAGMA main.foreign_keys(0);":       true,
		"/* first */ PRAGMA foreign_keys = false":                true,
		"PRAGMA foreign_keys = no;":                              true,
		"PRAGMA foreign_keys = ON;":                              false,
		"PRAGMA foreign_keys;":                                   false,
		"PRAGMA foreign_key_check;":                              false,
		"-- PRAGMA foreign_keys = OFF\nCREATE TABLE t (x);":      false,
		"/* PRAGMA foreign_keys = OFF; */ CREATE TABLE t (x);":   false,
		"INSERT INTO notes VALUES ('; PRAGMA foreign_keys=OFF')": false,
		`CREATE TABLE "; PRAGMA foreign_keys=OFF" (x)`:           false,
		"PRAGMA foreign_keys = offline":                          false,
	} {
		if got := appdb.TurnsForeignKeysOff(sql); got != want {
			t.Errorf("%q: %v, want %v", sql, got, want)
		}
	}
}

// FuzzTurnsForeignKeysOff reads migration SQL (an app's, so hostile) as
// the runner does: whatever follows the statement cannot hide it, and
// nothing in a line comment is it.
func FuzzTurnsForeignKeysOff(f *testing.F) {
	for _, s := range []string{"", "'", "\"x\"", "/* a", "-- b\nc", "[d]", "`e", "PRAGMA foreign_keys = OFF", "x'';y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !appdb.TurnsForeignKeysOff("PRAGMA foreign_keys = OFF;\n" + s) {
			t.Errorf("hidden by what follows: %q", s)
		}
		if !strings.ContainsAny(s, "\n") && appdb.TurnsForeignKeysOff("-- "+s) {
			t.Errorf("found in a comment: %q", s)
		}
	})
}
