package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/appdb"
	"sandkit.dev/sandkit/host/appdb/postgres"
	"sandkit.dev/sandkit/host/settings"
)

// genericEngine is the PostgreSQL engine with its connections' QueryJSON
// hidden, so that db_query_json takes the generic path: stdlib's driver
// values encoded by appdb.
type genericEngine struct{ appdb.Engine }

func (e genericEngine) Open(ctx context.Context, p appdb.Policy) (appdb.Handle, error) {
	h, err := e.Engine.Open(ctx, p)
	return genericHandle{h}, err
}

type genericHandle struct{ appdb.Handle }

func (h genericHandle) Conn(ctx context.Context) (appdb.Conn, error) {
	c, err := h.Handle.Conn(ctx)
	if err != nil {
		return nil, err
	}
	return struct{ appdb.Conn }{c}, nil
}

// TestQueryJSONAsGeneric: db_query_json's rows made from the wire
// (postgres's QueryJSON) are byte for byte those of the generic path, for
// every kind of column, NULLs, special values, arguments, no columns, no
// rows, an error in the middle of the rows and a result past its bound.
func TestQueryJSONAsGeneric(t *testing.T) {
	url, app := benchPostgres(t)
	l := settings.DefaultLimits
	fast := appDB(t, url, app)
	generic := appdb.New(app, genericEngine{postgres.New(url, app, l, discard)}, l.StatementTimeout.Std(), discard)
	t.Cleanup(func() { generic.Close() })
	ctx := context.Background()
	s, derr := fast.Session(ctx)
	if derr != nil {
		t.Fatal(derr)
	}
	setup := s.Exec(ctx, nil, `CREATE TABLE kinds (
		i2 SMALLINT, i4 INTEGER, i8 BIGINT, f4 REAL, f8 DOUBLE PRECISION, b BOOLEAN,
		t TEXT, vc VARCHAR(20), c CHAR(5), by BYTEA, tz TIMESTAMPTZ, ts TIMESTAMP, d DATE,
		n NUMERIC, j JSON, jb JSONB, u UUID, o OID, iv INTERVAL, a INTEGER[], nm NAME);
	INSERT INTO kinds VALUES
		(-32768, -2147483648, -9223372036854775808, 0.1, 0.1, true,
		 E'quote " back \\ <tag> & \u2028 \x01 tab\t nl\n é 😀', 'varchar', 'ab', '\x00ff10',
		 '2026-12-02 23:59:59.123456+05:30', '1969-07-20 20:17:40.5', '2000-02-29',
		 1.50, '{"a": [1, "x"]}', '{"b": null, "a": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 4294967295,
		 '1 day 02:03:04.5', '{1,NULL,3}', 'name'),
		(32767, 2147483647, 9223372036854775807, 'NaN', 'Infinity', false,
		 '', '', '', '', 'infinity', '-infinity', 'infinity',
		 'NaN', 'null', '[]', NULL, 0, '-1 mons', '{}', ''),
		(0, 0, 0, '-Infinity', '-0', NULL,
		 NULL, NULL, NULL, NULL, '-infinity', 'infinity', '-infinity',
		 -0.000001, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		(NULL, NULL, NULL, 3.4e38, 1e300, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`, nil)
	if setup[0] == 3 {
		e, _ := abi.DecodeDBError(setup)
		t.Fatal(e)
	}
	s.Close()
	for _, c := range []struct {
		sql  string
		args []abi.Value
	}{
		{"SELECT * FROM kinds ORDER BY i2 NULLS LAST", nil},
		{"SELECT i8 + ? AS sum, t || ? AS \"a\"\"b<\", ? AS flag, ?::timestamptz AS at FROM kinds WHERE i4 = ?", []abi.Value{
			{Tag: abi.TagInt, Int: -1}, {Tag: abi.TagText, Str: "!"}, {Tag: abi.TagBool, Int: 1},
			{Tag: abi.TagTime, Int: 1767225600123456789}, {Tag: abi.TagInt, Int: 0}}},
		{"SELECT FROM kinds", nil},
		{"SELECT * FROM kinds WHERE false", nil},
		{"SELECT x, 10 / (x - 3) AS q FROM generate_series(1, 5) x", nil},
		{"SELECT repeat('x', 1 << 20) AS big FROM generate_series(1, 40)", nil},
		{"SELECT * FROM no_such_table", nil},
		{"SELECT 1; SELECT 2", nil},
	} {
		var got, want []byte
		for _, side := range []struct {
			db  *appdb.DB
			out *[]byte
		}{{fast, &got}, {generic, &want}} {
			s, derr := side.db.Session(ctx)
			if derr != nil {
				t.Fatal(derr)
			}
			*side.out = s.Query(ctx, nil, c.sql, c.args, true)
			s.Close()
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\nfrom the wire %.300q\ngeneric       %.300q", c.sql, got, want)
		}
		if got[0] == abi.ResultJSON && !json.Valid(got[1:]) {
			t.Errorf("%s: not JSON: %.300q", c.sql, got)
		}
	}
	// The rows are the ones expected, not only the same on both paths.
	s, _ = fast.Session(ctx)
	defer s.Close()
	r := s.Query(ctx, nil, "SELECT i8, f4, t, tz, by, ts FROM kinds ORDER BY i2 NULLS LAST LIMIT 2", nil, true)
	for _, want := range []string{`"i8":-9223372036854775808`, `"f4":0.10000000149011612`, `\u003ctag\u003e \u0026 \u2028 \u0001`,
		`"tz":"2026-12-02T18:29:59.123456Z"`, `"by":"AP8Q"`, `"ts":"1969-07-20T20:17:40.5Z"`, `"f4":null`, `"tz":"-infinity"`, `"ts":"infinity"`} {
		if !strings.Contains(string(r), want) {
			t.Errorf("rows %q lack %s", r, want)
		}
	}
}
