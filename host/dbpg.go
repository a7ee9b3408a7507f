// PostgreSQL: when the host's operator sets SANDKIT_DATABASE_URL, an app
// keeps its data in its own schema of that database, reached as its own
// role (dbpgroles.go), instead of data/app.db. The same imports serve it
// (spec/abi.md §9); what differs is here: the app's connections and their
// reset, placeholders, the screening of guest SQL (friendly errors, not
// the boundary: the role's permissions are), and error codes.

package host

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/host/internal/testhooks"
)

// pgSchemaPrefix starts the name of every app's schema and role, so that
// the screening can refuse any identifier that could name another app's.
const pgSchemaPrefix = "sandkit_"

// PostgresSchema is the schema that holds the data of the app named name:
// "sandkit_" and the name lower-cased, with every character other than
// a-z, 0-9 and _ replaced by _; if that changed the name, a hash of the
// original follows, so "my-app" and "my_app" do not share a schema.
func PostgresSchema(name string) string {
	var b strings.Builder
	b.WriteString(pgSchemaPrefix)
	changed := false
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			changed = true
		default:
			b.WriteByte('_')
			changed = true
		}
	}
	s := b.String()
	if len(s) > 50 {
		s, changed = s[:50], true
	}
	if changed {
		h := fnv.New32a()
		h.Write([]byte(name))
		s += fmt.Sprintf("_%08x", h.Sum32())
	}
	return s
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return pgx.Identifier{s}.Sanitize() }

// pgConnections bounds the connections of one app's pool on one host.
const pgConnections = 8

// openPostgres provisions the app's role and schema through the admin URL
// (dbpgroles.go) and opens the app's pool, logged in as that role, with
// search_path pinned to the schema and the statement timeout and time zone
// set on every connection (each is reset when a request gives it back).
func openPostgres(ctx context.Context, admin pgAdmin, schema string, stmtTimeout time.Duration, log *slog.Logger) (*bun.DB, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	notRevoked, err := provisionPostgres(ctx, admin, schema)
	if err != nil {
		return nil, err
	}
	for _, s := range notRevoked {
		log.Warn("PostgreSQL: PUBLIC keeps a default right the admin cannot revoke", "stmt", s)
	}
	cfg, err := admin.appConfig(schema)
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["search_path"] = quoteIdent(schema)
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(stmtTimeout.Milliseconds(), 10)
	cfg.RuntimeParams["TimeZone"] = "UTC"
	cfg.RuntimeParams["application_name"] = "sandkit"
	// The placeholder rewriting lexes strings as PostgreSQL does with this
	// on (the default); pin it so that a server configured otherwise cannot
	// make the two disagree about where a string ends.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	// No row may make the host hold more than a result's bound: pgx would
	// otherwise read a message of up to 1 GiB (SELECT repeat('x', 1e9)).
	cfg.MaxProtocolMessageBodyLen = abi.MaxDBResult + 1<<20
	// A guest that LISTENs must not make the host buffer what others send.
	cfg.OnNotification = func(*pgconn.PgConn, *pgconn.Notification) {}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(pgConnections)
	sqldb.SetMaxIdleConns(pgConnections)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := bun.NewDB(sqldb, pgdialect.New())
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting as role %s: %w", schema, err)
	}
	return db, nil
}

// pgResetSQL undoes what a request can leave on its connection: open
// cursors, settings (search_path, role, timeouts back to the values the
// connection started with), LISTEN, advisory locks, temporary objects and
// the sequence cache; the last statement lists the statements the guest
// PREPAREd in SQL, which are deallocated one by one. It is DISCARD ALL
// except DEALLOCATE ALL, which would drop pgx's cached statements too (they
// make a 20-row request 102 µs instead of 210 µs: see RATIONALE).
const pgResetSQL = "CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; " +
	"SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES; " +
	"SELECT name FROM pg_prepared_statements WHERE from_sql"

// resetPGSession runs when a request gives its connection back (dbSession's
// close), so that nothing it did outlives it. A connection still in a
// transaction, or whose reset fails, is discarded (driver.ErrBadConn).
func resetPGSession(ctx context.Context, c *pgx.Conn) error {
	pc := c.PgConn()
	if pc.TxStatus() != 'I' {
		return driver.ErrBadConn
	}
	res, err := pc.Exec(ctx, pgResetSQL).ReadAll()
	if err != nil {
		return driver.ErrBadConn
	}
	for _, row := range res[len(res)-1].Rows {
		if _, err := pc.Exec(ctx, "DEALLOCATE "+quoteIdent(string(row[0]))).ReadAll(); err != nil {
			return driver.ErrBadConn
		}
	}
	return nil
}

// resetPG resets the request's connection as it goes back to the pool:
// now, not when the pool next hands it out, so that an advisory lock or a
// LISTEN ends with the request that made it.
func (s *dbSession) resetPG() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.conn.Raw(func(dc any) error { return resetPGSession(ctx, dc.(*stdlib.Conn).Conn()) })
	if err != nil {
		s.adb.log.Warn("resetting the connection at the end of a request failed; connection discarded", "err", err)
	}
}

// DropPostgresSchema drops the schema of the app named app, everything in
// it and its role, through the admin URL. Tests use it to clean up.
func DropPostgresSchema(ctx context.Context, adminURL, app string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return dropPostgresRole(ctx, conn, PostgresSchema(app))
}

// pgToken is one lexical element of a statement that the screening looks at.
type pgToken struct {
	word   string // lower-cased keyword or identifier; quoted identifiers as written
	quoted bool
	punct  byte // '(' '.' ';' or 0 for a word
}

// screenPostgres checks a guest's SQL against the policy (spec/abi.md §9.8)
// and rewrites ? and ?NNN placeholders to $N when args are bound. It is
// not the security boundary: the app's role may do nothing to another
// app's data whatever passes here (TestPostgresCrossApp runs without it).
// It stays for the placeholders, and so that what the role could not do
// anyway, or what sandkit does not support, is refused with a message that
// names the rule instead of PostgreSQL's "permission denied". inTx
// says whether the host opened a transaction; mode is policyGuest or
// policyMigrate. It returns the SQL to run or the reason it is refused.
func screenPostgres(q, schema string, nargs int, inTx bool, mode int32) (string, string) {
	toks, out, why := lexPostgres(q, nargs > 0)
	if why != "" {
		return "", why
	}
	// Statements, split at top-level semicolons.
	start := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].punct != ';' {
			continue
		}
		if why := screenStatement(toks[start:i], inTx, mode); why != "" {
			return "", why
		}
		start = i + 1
	}
	for i, t := range toks {
		if t.punct != 0 {
			continue
		}
		w := t.word
		lw := strings.ToLower(w)
		if strings.HasPrefix(lw, pgSchemaPrefix) && w != schema {
			return "", "the name " + w + " is reserved for other apps' schemas: an app uses only its own"
		}
		// A quoted identifier is checked as written: "set_config"(...)
		// calls set_config, "public".t names schema public.
		switch {
		case w == "search_path":
			return "", "search_path is set by the host and cannot be read or changed"
		case w == "public" && i+1 < len(toks) && toks[i+1].punct == '.',
			strings.HasPrefix(w, "pg_temp"), strings.HasPrefix(w, "pg_toast"):
			return "", "schema " + w + " is not allowed: an app uses only its own schema"
		case pgDeniedNames[w], strings.HasPrefix(w, "pg_stat"):
			// pg_stats shows the most common values of every table the
			// shared role can read; pg_stat_get_backend_activity() other
			// sessions' SQL.
			return "", w + " is not allowed: it reaches beyond the app's schema"
		}
		if i+1 < len(toks) && toks[i+1].punct == '(' {
			if pgDeniedFunctions[w] || strings.Contains(w, "to_xml") || strings.HasPrefix(w, "lo_") ||
				strings.HasPrefix(w, "pg_advisory") || strings.HasPrefix(w, "dblink") {
				return "", w + "() is not allowed"
			}
		}
	}
	return out, ""
}

// pgDeniedNames are catalog views that show other apps' activity or
// database-wide objects.
var pgDeniedNames = map[string]bool{
	"pg_stat_activity": true, "pg_stat_statements": true, "pg_largeobject": true,
	"pg_largeobject_metadata": true, "pg_locks": true, "pg_prepared_xacts": true,
	"pg_settings": true, "pg_file_settings": true, "pg_hba_file_rules": true,
}

// pgDeniedFunctions run SQL given as text, change settings, or reach
// files, other sessions or database-wide objects.
var pgDeniedFunctions = map[string]bool{
	"set_config": true, "ts_stat": true, "pg_read_file": true, "pg_read_binary_file": true,
	"pg_ls_dir": true, "pg_stat_file": true, "pg_terminate_backend": true, "pg_cancel_backend": true,
	"pg_notify": true, "pg_stat_get_activity": true, "pg_reload_conf": true, "pg_sleep_until": true,
	"pg_logical_emit_message": true,
	// A sequence named in a string is beyond the screening: setval() of
	// another app's sequence would break its inserts.
	"setval": true, "nextval": true, "currval": true,
}

// pgCreatable are the objects a guest may CREATE, ALTER and DROP.
var pgCreatable = map[string]bool{
	"table": true, "index": true, "unique": true, "view": true, "sequence": true, "type": true,
	"materialized": true, "unlogged": true,
}

// screenStatement checks one statement's leading keywords.
func screenStatement(toks []pgToken, inTx bool, mode int32) string {
	if len(toks) == 0 {
		return ""
	}
	word := func(i int) string {
		if i < len(toks) && toks[i].punct == 0 && !toks[i].quoted {
			return toks[i].word
		}
		return ""
	}
	first := word(0)
	if toks[0].punct == '(' {
		first = "select"
	}
	for i := range toks {
		if (word(i) == "temp" || word(i) == "temporary") && i > 0 {
			if p := word(i - 1); p == "create" || p == "into" || p == "local" || p == "global" || p == "table" {
				return errTemp
			}
		}
	}
	switch first {
	case "select", "insert", "update", "delete", "with", "values", "table", "truncate", "explain":
		return ""
	case "comment":
		if w := word(2); word(1) == "on" && (pgCreatable[w] || w == "column") {
			return ""
		}
		return "COMMENT is allowed on tables, columns, indexes, views, sequences and types only"
	case "create":
		w := word(1)
		if w == "or" && word(2) == "replace" && word(3) == "view" {
			return ""
		}
		if w == "temp" || w == "temporary" || ((w == "local" || w == "global") && word(2) != "") {
			return errTemp
		}
		if pgCreatable[w] {
			return ""
		}
		return "CREATE " + strings.ToUpper(w) + " is not allowed (tables, indexes, views, sequences and types are)"
	case "alter", "drop":
		if w := word(1); pgCreatable[w] {
			return ""
		}
		return strings.ToUpper(first+" "+word(1)) + " is not allowed (tables, indexes, views, sequences and types are)"
	case "savepoint", "release":
		if inTx || mode == policyMigrate {
			return ""
		}
		return "SAVEPOINT is allowed only inside a transaction begun with db_begin"
	case "rollback":
		if word(1) == "to" || (word(1) == "transaction" || word(1) == "work") && word(2) == "to" {
			if inTx || mode == policyMigrate {
				return ""
			}
			return "SAVEPOINT is allowed only inside a transaction begun with db_begin"
		}
		fallthrough
	case "begin", "start", "commit", "end", "abort":
		if mode == policyMigrate {
			return ""
		}
		return strings.ToUpper(first) + " is not allowed in SQL: use the transaction functions (db_begin, db_commit, db_rollback; database/sql's BeginTx)"
	case "set", "reset":
		return strings.ToUpper(first) + " is not allowed: the host sets the session (search_path, role, timeouts)"
	case "":
		return "the statement must start with a keyword"
	}
	return strings.ToUpper(first) + " is not allowed (SELECT, INSERT, UPDATE, DELETE, WITH and DDL on tables, indexes, views, sequences and types are)"
}

// lexPostgres splits q into the tokens the screening needs, skipping
// string literals, comments and dollar-quoted bodies, and rewrites ? and
// ?NNN to $N if placeholders is set. It returns the rewritten text. Where
// it could disagree with PostgreSQL's lexer, a guest can only get a wrong
// placeholder or a screening message, not another app's data.
func lexPostgres(q string, placeholders bool) ([]pgToken, string, string) {
	var toks []pgToken
	var out strings.Builder
	out.Grow(len(q) + 8)
	nextArg := 0
	i := 0
	isIdent := func(c byte) bool {
		return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	for i < len(q) {
		c := q[i]
		switch {
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			out.WriteString(q[i : i+j])
			i += j
		case c == '/' && i+1 < len(q) && q[i+1] == '*':
			depth, j := 1, i+2
			for j < len(q) && depth > 0 {
				switch {
				case strings.HasPrefix(q[j:], "/*"):
					depth++
					j += 2
				case strings.HasPrefix(q[j:], "*/"):
					depth--
					j += 2
				default:
					j++
				}
			}
			if depth > 0 {
				return nil, "", "unterminated comment"
			}
			out.WriteString(q[i:j])
			i = j
		case c == '\'':
			// E'..' strings allow backslash escapes; the E was lexed as a word.
			esc := len(toks) > 0 && toks[len(toks)-1].punct == 0 && !toks[len(toks)-1].quoted &&
				toks[len(toks)-1].word == "e" && i > 0 && (q[i-1] == 'e' || q[i-1] == 'E')
			if esc {
				toks = toks[:len(toks)-1]
			}
			j := i + 1
			for ; j < len(q); j++ {
				if esc && q[j] == '\\' {
					j++
					continue
				}
				if q[j] == '\'' {
					if j+1 < len(q) && q[j+1] == '\'' {
						j++
						continue
					}
					// 'a'<newline>'b' is one string; after E'..' its
					// continuation is read with escapes too.
					if k := quoteContinue(q, j+1); k > 0 {
						j = k
						continue
					}
					break
				}
			}
			if j >= len(q) {
				return nil, "", "unterminated string literal"
			}
			out.WriteString(q[i : j+1])
			i = j + 1
		case c == '"':
			if len(toks) > 0 && toks[len(toks)-1].word == "u&" {
				return nil, "", `U&"..." identifiers are not allowed`
			}
			var id strings.Builder
			j := i + 1
			for ; j < len(q); j++ {
				if q[j] == '"' {
					if j+1 < len(q) && q[j+1] == '"' {
						id.WriteByte('"')
						j++
						continue
					}
					break
				}
				id.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, "", "unterminated quoted identifier"
			}
			toks = append(toks, pgToken{word: id.String(), quoted: true})
			out.WriteString(q[i : j+1])
			i = j + 1
		case c == '$' && dollarTag(q[i:]) != "":
			// A dollar-quoted string: $tag$ ... $tag$.
			tag := dollarTag(q[i:])
			end := strings.Index(q[i+len(tag):], tag)
			if end < 0 {
				return nil, "", "unterminated dollar-quoted string"
			}
			n := len(tag) + end + len(tag)
			out.WriteString(q[i : i+n])
			i += n
		case c == '?' && placeholders:
			// After an identifier character, $N would continue the
			// identifier (a$1 is a name): a space keeps it a parameter.
			if i > 0 && isIdent(q[i-1]) {
				out.WriteByte(' ')
			}
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				out.WriteString("$" + q[i+1:j])
			} else {
				nextArg++
				out.WriteString("$" + strconv.Itoa(nextArg))
			}
			i = j
		case c == '&' && len(toks) > 0 && toks[len(toks)-1].word == "u" && i > 0 && (q[i-1] == 'u' || q[i-1] == 'U'):
			toks[len(toks)-1].word = "u&"
			out.WriteByte(c)
			i++
		case isIdent(c) && !(c >= '0' && c <= '9') && c != '$':
			j := i
			for j < len(q) && isIdent(q[j]) {
				j++
			}
			toks = append(toks, pgToken{word: strings.ToLower(q[i:j])})
			out.WriteString(q[i:j])
			i = j
		case c == '(' || c == '.' || c == ';':
			toks = append(toks, pgToken{punct: c})
			out.WriteByte(c)
			i++
		default:
			out.WriteByte(c)
			i++
		}
	}
	return toks, out.String(), ""
}

// quoteContinue reports where a string literal continues if the closing
// quote before q[i] is followed by whitespace holding a newline (and maybe
// -- comments) and another quote, as PostgreSQL's lexer joins them: the
// index of that quote, or 0.
func quoteContinue(q string, i int) int {
	for i < len(q) && (q[i] == ' ' || q[i] == '\t' || q[i] == '\f') {
		i++
	}
	if strings.HasPrefix(q[i:], "--") {
		nl := strings.IndexAny(q[i:], "\n\r")
		if nl < 0 {
			return 0
		}
		i += nl
	}
	if i >= len(q) || (q[i] != '\n' && q[i] != '\r') {
		return 0
	}
	for i < len(q) {
		switch {
		case q[i] == ' ' || q[i] == '\t' || q[i] == '\f' || q[i] == '\n' || q[i] == '\r' || q[i] == '\v':
			i++
		case strings.HasPrefix(q[i:], "--"):
			nl := strings.IndexAny(q[i:], "\n\r")
			if nl < 0 {
				return 0
			}
			i += nl
		case q[i] == '\'':
			return i
		default:
			return 0
		}
	}
	return 0
}

// dollarTag returns the $tag$ (or $$) that q starts with, as PostgreSQL's
// lexer reads one, or "".
func dollarTag(q string) string {
	for j := 1; j < len(q); j++ {
		c := q[j]
		switch {
		case c == '$':
			return q[:j+1]
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || (j > 1 && c >= '0' && c <= '9'):
		default:
			return ""
		}
	}
	return ""
}

// pgCode maps a PostgreSQL SQLSTATE to the SQLite result code guests
// branch on (spec/abi.md §9.5); the SQLSTATE itself is sent as is.
func pgCode(state string) int32 {
	switch state {
	case "23505":
		return abi.CodeUnique
	case "23503":
		return abi.CodeForeignKey
	case "23502":
		return abi.CodeNotNull
	case "23514":
		return abi.CodeCheck
	case "57014":
		return abi.CodeInterrupt
	case "42501":
		return abi.CodeAuth
	case "53100":
		return abi.CodeFull
	case "54000", "54001":
		return abi.CodeTooBig
	case "55P03", "40P01", "40001":
		return abi.CodeBusy
	}
	switch {
	case strings.HasPrefix(state, "23"):
		return abi.CodeConstraint
	case strings.HasPrefix(state, "25"):
		return abi.CodeMisuse
	}
	return abi.CodeError
}

// pgError turns a Postgres error into the guest's error, or returns nil
// if err is not one.
func pgError(err error) *abi.DBError {
	var big *pgproto3.ExceededMaxBodyLenErr
	if errors.As(err, &big) {
		return &abi.DBError{Code: abi.CodeTooBig, SQLState: "54000",
			Message: fmt.Sprintf("a row of the result is over %d bytes: select fewer or smaller columns", abi.MaxDBResult)}
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	msg := pe.Message
	if pe.Detail != "" {
		msg += ": " + pe.Detail
	}
	return &abi.DBError{Code: pgCode(pe.Code), SQLState: pe.Code, Message: msg}
}

// pgTimeoutGrace is how much longer than the server's statement_timeout
// the host waits before it cancels a statement itself.
const pgTimeoutGrace = 500 * time.Millisecond

// pgStmtContext bounds a statement on PostgreSQL: the server's
// statement_timeout stops it and keeps the connection; this context is the
// backstop, at d or the request's deadline, whichever is first. It is a
// plain deadline detached from the request's context: deriving from that
// (a context type of the host's own) costs a goroutine per statement to
// watch it, which measured 138 against 99-105 µs per 20-row guest request
// in process. What is lost is cancellation of the request before its
// deadline (a client gone): the statement then runs to its timeout.
func pgStmtContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	at := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); ok && dl.Before(at) {
		at = dl
	}
	return context.WithDeadline(context.WithoutCancel(ctx), at)
}

// screen checks q under the policy and rewrites its placeholders; a
// refusal is returned as the guest's error.
func (s *dbSession) screen(q string, nargs int) (string, error) {
	if testhooks.PostgresScreenOff.Load() {
		if _, out, why := lexPostgres(q, nargs > 0); why == "" {
			return out, nil
		}
		return q, nil
	}
	out, why := screenPostgres(q, s.adb.schema, nargs, s.st.inTx.Load(), policyGuest)
	if why != "" {
		return "", &abi.DBError{Code: abi.CodeAuth, SQLState: "42501", Message: why}
	}
	return out, nil
}

// queryPG runs a guest's query on the pgx connection dc, through pgx's
// per-connection statement cache (prepared once per connection and SQL
// text, as natively: measured 102 µs per 20-row request against 210 µs
// when statements without arguments were sent unprepared).
func (s *dbSession) queryPG(ctx context.Context, dc any, q string, args []driver.NamedValue) (driver.Rows, error) {
	q, err := s.screen(q, len(args))
	if err != nil {
		return nil, err
	}
	return dc.(driver.QueryerContext).QueryContext(ctx, q, args)
}

// execPG runs a guest's db_exec on dc: without arguments, a script of
// statements (the simple protocol); with, one statement. PostgreSQL has
// no rowid: the result's last insert id is 0 (use RETURNING).
func (s *dbSession) execPG(ctx context.Context, dc any, q string, args []driver.NamedValue) (driver.Result, error) {
	q, err := s.screen(q, len(args))
	if err != nil {
		return nil, err
	}
	res, err := dc.(driver.ExecerContext).ExecContext(ctx, q, args)
	if err != nil {
		return nil, err
	}
	return pgResult{res}, nil
}

// pgResult reports no last insert id instead of an error.
type pgResult struct{ driver.Result }

func (r pgResult) LastInsertId() (int64, error) { return 0, nil }

// commitPG commits the request's transaction. PostgreSQL answers COMMIT
// of a transaction that an error aborted with ROLLBACK, not an error; the
// guest is told its transaction was rolled back.
func (s *dbSession) commitPG(ctx context.Context) error {
	return s.conn.Raw(func(dc any) error {
		tag, err := dc.(*stdlib.Conn).Conn().PgConn().Exec(ctx, "COMMIT").ReadAll()
		if err != nil {
			return err
		}
		if len(tag) == 1 && tag[0].CommandTag.String() == "ROLLBACK" {
			return &abi.DBError{Code: abi.CodeMisuse, SQLState: "25P02",
				Message: "the transaction was rolled back, not committed: a statement in it had failed"}
		}
		return nil
	})
}
