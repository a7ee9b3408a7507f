package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// devEvents subscribes to sandkit dev's event stream at url and returns
// the function that reads its next state (the overlay's source). It fails
// t if no event comes in two minutes.
func devEvents(t *testing.T, url string) func() devState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", url+"/_sandkit/dev/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	sc := bufio.NewScanner(resp.Body)
	return func() devState {
		t.Helper()
		var lines []string
		for sc.Scan() && sc.Text() != "" {
			lines = append(lines, sc.Text())
		}
		var st devState
		if len(lines) != 2 || lines[0] != "event: state" || json.Unmarshal([]byte(strings.TrimPrefix(lines[1], "data: ")), &st) != nil {
			t.Fatalf("event: %q", lines)
		}
		return st
	}
}

// sandkit dev applies a migration as soon as its file appears: one that
// changes the schema goes live; one that fails (a foreign key its rows
// break, with foreign keys off) leaves nothing applied and shows in the
// overlay's state and the log with its file, while the last good version
// keeps serving; the fixed file is applied.
func TestE2EDevMigrations(t *testing.T) {
	app := copyDevApp(t)
	s := startCommand(t, "dev", "--no-typecheck", app)
	next := devEvents(t, s.url)
	first := next()
	if len(first.Problems) != 0 {
		t.Fatalf("first state: %+v", first)
	}
	db, err := sql.Open("sqlite", filepath.Join(app, "data", "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write := func(name, sql string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(app, "migrations", name), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// until reads states until one passes ok. (A slow machine can see a
	// write as two changes, the first of an empty or half-written file.)
	until := func(ok func(devState) bool) devState {
		t.Helper()
		for {
			if st := next(); ok(st) {
				return st
			}
		}
	}

	write("0002_done.up.sql", "ALTER TABLE notes ADD COLUMN done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1));\n")
	until(func(st devState) bool { return st.Build != first.Build && len(st.Problems) == 0 })
	var done int
	if err := db.QueryRow("SELECT done FROM notes").Scan(&done); err != nil {
		t.Errorf("the new column: %v", err)
	}
	if !strings.Contains(s.logs(), "0002_done") {
		t.Errorf("the log does not name the migration applied:\n%s", s.logs())
	}

	write("0003_tags.up.sql", `PRAGMA foreign_keys = OFF;
CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES notes (id), name TEXT NOT NULL);
INSERT INTO tags (note_id, name) VALUES (42, 'orphan');
`)
	st := until(func(st devState) bool { return len(st.Problems) > 0 })
	if len(st.Problems) != 1 || st.Problems[0].Kind != "migrations" || !strings.Contains(st.Problems[0].Message, "migrations/0003_tags.up.sql") ||
		!strings.Contains(st.Problems[0].Message, "FOREIGN KEY constraint failed") || !strings.Contains(st.Problems[0].Message, "dev applies it when you save") {
		t.Errorf("the failed migration's state: %+v", st)
	}
	if err := db.QueryRow("SELECT count(*) FROM tags").Scan(new(int)); err == nil {
		t.Error("table tags was left by the failed migration")
	}
	if r := requestAccept(t, s.url+"/", "application/json"); r.status != 200 {
		t.Errorf("GET / with a failed migration: %d %s", r.status, r.body)
	}
	s.until(t, "the failure in the log", func() bool {
		return strings.Contains(s.logs(), "a row of tags (rowid 1) references a missing row of notes")
	})

	write("0003_tags.up.sql", `PRAGMA foreign_keys = OFF;
CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES notes (id), name TEXT NOT NULL);
INSERT INTO tags (note_id, name) SELECT id, 'first' FROM notes;
`)
	until(func(st devState) bool { return len(st.Problems) == 0 })
	var n int
	if err := db.QueryRow("SELECT count(*) FROM tags").Scan(&n); err != nil || n != 1 {
		t.Errorf("tags after the fix: %d %v", n, err)
	}
	if t.Failed() {
		t.Logf("sandkit dev's log:\n%s", s.logs())
	}
}
