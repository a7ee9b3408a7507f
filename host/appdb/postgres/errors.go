// Errors: PostgreSQL's errors as a guest sees them, with the SQLite result
// code guests branch on and PostgreSQL's own SQLSTATE.

package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"sandkit.dev/sandkit/abi"
)

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
