package appdb_test

import (
	"context"
	"encoding/json"
	"testing"

	"sandkit.dev/sandkit/abi"
)

func TestQueryJSON(t *testing.T) {
	s := testSession(t)
	for _, q := range []string{
		`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, ok BOOLEAN, score REAL, data BLOB, at TIMESTAMP, n INTEGER)`,
		`INSERT INTO t VALUES (1, 'plain', 1, 1.5, x'00ff', '2026-11-29 10:00:00', NULL)`,
		`INSERT INTO t VALUES (2, '</script><b>&"\' || char(10) || char(8232) || 'é', 0, -2e300, NULL, NULL, 42)`,
		`INSERT INTO t VALUES (3, CAST(x'ff41' AS TEXT), NULL, NULL, x'', NULL, 7)`,
	} {
		if b := s.Exec(context.Background(), nil, q, nil); b[0] == abi.ResultError {
			e, _ := abi.DecodeDBError(b)
			t.Fatalf("%s: %v", q, e)
		}
	}
	b := s.Query(context.Background(), nil, "SELECT id, name, ok, score, data, at, n AS count FROM t ORDER BY id", nil, true)
	if b[0] != abi.ResultJSON {
		e, _ := abi.DecodeDBError(b)
		t.Fatalf("result kind %d: %v", b[0], e)
	}
	const want = `[{"id":1,"name":"plain","ok":true,"score":1.5,"data":"AP8=","at":"2026-11-29T10:00:00Z","count":null},` +
		`{"id":2,"name":"\u003c/script\u003e\u003cb\u003e\u0026\"\\\n\u2028é","ok":false,"score":-2e+300,"data":null,"at":null,"count":42},` +
		`{"id":3,"name":"\ufffdA","ok":null,"score":null,"data":"","at":null,"count":7}]`
	if got := string(b[1:]); got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
	var v []map[string]any
	if err := json.Unmarshal(b[1:], &v); err != nil || len(v) != 3 {
		t.Errorf("not valid JSON: %v", err)
	}
	if b := s.Query(context.Background(), nil, "SELECT 1 WHERE 0", nil, true); string(b[1:]) != "[]" {
		t.Errorf("no rows: %q", b[1:])
	}
	if b := s.Query(context.Background(), nil, "SELECT nope FROM t", nil, true); b[0] != abi.ResultError {
		t.Errorf("a bad query gave kind %d", b[0])
	}
}
