package postgres

import "testing"

func TestLeavesNoState(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                          true,
		"(SELECT 1) UNION (SELECT 2)":       true,
		"VALUES (1), (2)":                   true,
		"TABLE todos":                       true,
		"UPDATE t SET a = 1":                true,
		"DELETE FROM t":                     true,
		"SELECT 1; SELECT 2":                true,
		"INSERT INTO t VALUES (1)":          false,
		"SELECT 1; INSERT INTO t VALUES(1)": false,
		"UPDATE t SET id = DEFAULT":         false,
		"SELECT lastval()":                  false,
		"EXPLAIN ANALYZE SELECT 1":          false,
		"CREATE TABLE x (a int)":            false,
		`"select" 1`:                        false,
	} {
		_, why, got := screenSession(q, "sandkit_me", 0, false, 0)
		if why == "" && got != want {
			t.Errorf("%s: stateless %v, want %v", q, got, want)
		}
	}
}
