// DB: one app's database, opened on the first request that uses it.

package appdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"sandkit.dev/sandkit/abi"
	"sandkit.dev/sandkit/internal/phase"
)

// DB is one app's database. It is opened on the first session, so an app
// that never touches its database opens nothing (and gets no file).
type DB struct {
	app         string
	eng         Engine
	stmtTimeout time.Duration
	log         *slog.Logger

	mu     sync.Mutex
	h      Handle // nil until opened
	closed bool
}

// New returns the database of the app named app, kept by eng. Statements
// are bounded by stmtTimeout; log receives the opening and failures.
func New(app string, eng Engine, stmtTimeout time.Duration, log *slog.Logger) *DB {
	return &DB{app: app, eng: eng, stmtTimeout: stmtTimeout, log: log}
}

// open opens the database on first use; a failure is returned and the
// next call tries again.
func (d *DB) open(ctx context.Context) (Handle, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case d.h != nil:
		return d.h, nil
	case d.closed:
		return nil, fmt.Errorf("app %q: database closed", d.app)
	}
	defer phase.Start(ctx, "db.open")()
	h, err := d.eng.Open(context.WithoutCancel(ctx), PolicyGuest)
	if err != nil {
		return nil, fmt.Errorf("app %q: %w", d.app, err)
	}
	d.h = h
	d.log.Info("database opened", "engine", d.eng.Name())
	return h, nil
}

// Close closes the database if it was opened; it is never opened after.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.h == nil {
		return nil
	}
	return d.h.Close()
}

// Session opens the database if it is not yet open and takes a connection
// for one request. The error is the guest's.
func (d *DB) Session(ctx context.Context) (*Session, *abi.DBError) {
	h, err := d.open(ctx)
	if err != nil {
		d.log.Error("database unavailable", "err", err)
		return nil, &abi.DBError{Code: abi.CodeError, SQLState: "58030", Message: "the app's database could not be opened"}
	}
	conn, err := h.Conn(ctx)
	if err != nil {
		var derr *abi.DBError
		switch {
		case errors.As(err, &derr):
		case ctx.Err() != nil:
			derr = &abi.DBError{Code: abi.CodeInterrupt, SQLState: "57014", Message: fmt.Sprintf("app %q: no database connection before the request's deadline: %v", d.app, err)}
		default:
			d.log.Error("database unavailable", "err", err)
			derr = &abi.DBError{Code: abi.CodeError, SQLState: "08006", Message: fmt.Sprintf("app %q: no connection to the app's database", d.app)}
		}
		return nil, derr
	}
	return &Session{db: d, conn: conn}, nil
}
