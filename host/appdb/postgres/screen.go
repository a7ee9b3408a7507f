// Screening: the lexer and checks that stand in for SQLite's authorizer on
// PostgreSQL (spec/abi.md §9.6): every guest statement is lexed as
// PostgreSQL would, its placeholders rewritten, and refused if it reaches
// past the app's schema. It gives friendly errors; the boundary is the
// app's own role (roles.go).

package postgres

import (
	"strconv"
	"strings"

	"sandkit.dev/sandkit/host/appdb"
)

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
// says whether the host opened a transaction; mode is appdb.PolicyGuest or
// appdb.PolicyMigrate. It returns the SQL to run or the reason it is refused.
func screenPostgres(q, schema string, nargs int, inTx bool, mode appdb.Policy) (string, string) {
	out, why, _ := screenSession(q, schema, nargs, inTx, mode)
	return out, why
}

// screenSession is screenPostgres that also reports whether q's
// statements leave nothing on the session for the end of the request to
// reset (see leavesNoState).
func screenSession(q, schema string, nargs int, inTx bool, mode appdb.Policy) (out, why string, stateless bool) {
	toks, out, why := lexPostgres(q, nargs > 0)
	if why != "" {
		return "", why, false
	}
	// Statements, split at top-level semicolons.
	start := 0
	stateless = true
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].punct != ';' {
			continue
		}
		if why := screenStatement(toks[start:i], inTx, mode); why != "" {
			return "", why, false
		}
		stateless = stateless && leavesNoState(toks[start:i])
		start = i + 1
	}
	for i, t := range toks {
		if t.punct != 0 {
			continue
		}
		w := t.word
		lw := strings.ToLower(w)
		if strings.HasPrefix(lw, pgSchemaPrefix) && w != schema {
			return "", "the name " + w + " is reserved for other apps' schemas: an app uses only its own", false
		}
		// A quoted identifier is checked as written: "set_config"(...)
		// calls set_config, "public".t names schema public.
		switch {
		case w == "search_path":
			return "", "search_path is set by the host and cannot be read or changed", false
		case w == "public" && i+1 < len(toks) && toks[i+1].punct == '.',
			strings.HasPrefix(w, "pg_temp"), strings.HasPrefix(w, "pg_toast"):
			return "", "schema " + w + " is not allowed: an app uses only its own schema", false
		case pgDeniedNames[w], strings.HasPrefix(w, "pg_stat"):
			// pg_stats shows the most common values of every table the
			// shared role can read; pg_stat_get_backend_activity() other
			// sessions' SQL.
			return "", w + " is not allowed: it reaches beyond the app's schema", false
		}
		if i+1 < len(toks) && toks[i+1].punct == '(' {
			if pgDeniedFunctions[w] || strings.Contains(w, "to_xml") || strings.HasPrefix(w, "lo_") ||
				strings.HasPrefix(w, "pg_advisory") || strings.HasPrefix(w, "dblink") {
				return "", w + "() is not allowed", false
			}
		}
	}
	return out, "", stateless
}

// leavesNoState reports whether a statement the screening passed leaves
// nothing on its connection's session that a later request could see, so
// that the reset at the end of the request (resetSQL) may be skipped: a
// query or a change of rows, with no INSERT or DEFAULT (which draw from a
// sequence, and lastval() would show the value to the next request) and
// no lastval(). Everything else a request could leave (settings, roles,
// cursors, LISTEN, advisory locks, temporary objects, prepared statements,
// functions that do any of these) the screening refuses anyway; the reset
// is kept for the rest, DDL included, as a second line.
func leavesNoState(toks []pgToken) bool {
	if len(toks) == 0 {
		return true
	}
	switch first := toks[0]; {
	case first.punct == '(':
	case first.punct != 0 || first.quoted:
		return false
	default:
		switch first.word {
		case "select", "with", "values", "table", "update", "delete":
		default:
			return false
		}
	}
	for _, t := range toks {
		if t.punct == 0 && (t.word == "insert" || t.word == "default" || t.word == "lastval") {
			return false
		}
	}
	return true
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
func screenStatement(toks []pgToken, inTx bool, mode appdb.Policy) string {
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
				return appdb.RefusedTemp
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
			return appdb.RefusedTemp
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
		if inTx || mode == appdb.PolicyMigrate {
			return ""
		}
		return "SAVEPOINT is allowed only inside a transaction begun with db_begin"
	case "rollback":
		if word(1) == "to" || (word(1) == "transaction" || word(1) == "work") && word(2) == "to" {
			if inTx || mode == appdb.PolicyMigrate {
				return ""
			}
			return "SAVEPOINT is allowed only inside a transaction begun with db_begin"
		}
		fallthrough
	case "begin", "start", "commit", "end", "abort":
		if mode == appdb.PolicyMigrate {
			return appdb.RefusedMigrationTx(first)
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
