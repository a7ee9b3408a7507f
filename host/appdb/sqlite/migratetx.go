// Migration transactions: a migration that turns foreign keys off (the
// table-rebuild recipe of SQLite's ALTER TABLE documentation) runs with
// them off, and every foreign key is checked before it commits: a
// violation rolls the whole migration back.

package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"
)

// policyTx is a transaction begun by BeginTx. Its end is the host's own
// statement; a migration's SQL may not end it (authorizer.go).
type policyTx struct {
	driver.Tx
	p     *policyConn
	fkOff bool // foreign keys were turned off for it
}

// maxViolationsShown bounds the foreign key violations an error lists.
const maxViolationsShown = 5

// Commit commits; with foreign keys off it first checks them all and rolls
// back instead if a row violates one.
func (t *policyTx) Commit() error {
	defer t.p.st.asHost()()
	if !t.fkOff {
		return t.Tx.Commit()
	}
	defer t.p.foreignKeysOn()
	if err := t.p.checkForeignKeys(); err != nil {
		return errors.Join(err, t.Tx.Rollback())
	}
	return t.Tx.Commit()
}

// Rollback rolls back (and turns foreign keys back on).
func (t *policyTx) Rollback() error {
	defer t.p.st.asHost()()
	if t.fkOff {
		defer t.p.foreignKeysOn()
	}
	return t.Tx.Rollback()
}

// foreignKeysOn turns foreign keys back on after a migration turned them
// off; a connection on which that fails is discarded.
func (p *policyConn) foreignKeysOn() {
	defer p.st.asHost()()
	if _, err := p.ExecContext(context.Background(), "PRAGMA foreign_keys = ON", nil); err != nil {
		p.st.broken.Store(true)
	}
}

// checkForeignKeys runs PRAGMA foreign_key_check over the whole database
// and returns an error naming the first violations, if there are any.
func (p *policyConn) checkForeignKeys() error {
	rows, err := p.QueryContext(context.Background(), "PRAGMA foreign_key_check", nil)
	if err != nil {
		return fmt.Errorf("checking foreign keys: %w", err)
	}
	defer rows.Close()
	var shown []string
	n := 0
	row := make([]driver.Value, len(rows.Columns())) // table, rowid, parent, fkid
	for {
		err := rows.Next(row)
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("checking foreign keys: %w", err)
		}
		n++
		if len(shown) < maxViolationsShown {
			at := ""
			if row[1] != nil {
				at = fmt.Sprintf(" (rowid %v)", row[1])
			}
			shown = append(shown, fmt.Sprintf("a row of %v%s references a missing row of %v", row[0], at, row[2]))
		}
	}
	if n == 0 {
		return nil
	}
	more := ""
	if n > len(shown) {
		more = fmt.Sprintf("; %d violations in all", n)
	}
	return fmt.Errorf("FOREIGN KEY constraint failed after the migration ran with foreign keys off (PRAGMA foreign_key_check): %s%s; the migration is rolled back", strings.Join(shown, "; "), more)
}
