// Changes of the fleet registry: LISTEN on the registry's channel for the
// apps other hosts activate or delete, and a periodic re-read of the apps
// table in case a notification was missed (or the connection dropped).

package pgregistry

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"sandkit.dev/sandkit/host/registry"
)

// Changes delivers the name of an app whose active version may have
// changed. A notification's payload is delivered only if it is an app
// name; every delivery is a hint to read the registry again. Listening has
// begun when it returns; the channel is closed when ctx is done.
func (r *Registry) Changes(ctx context.Context) (<-chan string, error) {
	conn, err := r.listen(ctx)
	if err != nil {
		return nil, err
	}
	last, err := r.snapshot(ctx)
	if err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	ch := make(chan string, 64)
	go r.follow(ctx, conn, last, ch)
	return ch, nil
}

// listen opens a connection of its own and listens on Channel.
func (r *Registry) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, r.url)
	if err != nil {
		return nil, fmt.Errorf("registry: listening: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{r.channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("registry: listening: %w", err)
	}
	return conn, nil
}

// snapshot is each app's active version.
func (r *Registry) snapshot(ctx context.Context) (map[string]string, error) {
	apps, err := r.Apps(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, a := range apps {
		m[a.Name] = a.Active
	}
	return m, nil
}

// follow delivers notifications and the differences each re-read finds,
// until ctx is done; a dropped connection is opened again, then the table
// re-read, since notifications sent meanwhile are lost.
func (r *Registry) follow(ctx context.Context, conn *pgx.Conn, last map[string]string, ch chan<- string) {
	defer close(ch)
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	send := func(app string) bool {
		select {
		case ch <- app:
			return true
		case <-ctx.Done():
			return false
		}
	}
	reread := func() bool {
		now, err := r.snapshot(ctx)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("registry: re-reading the apps", "err", err)
			}
			return ctx.Err() == nil
		}
		changed := map[string]bool{}
		for app, v := range now {
			if last[app] != v {
				changed[app] = true
			}
		}
		for app := range last {
			if _, ok := now[app]; !ok {
				changed[app] = true
			}
		}
		last = now
		for _, app := range slices.Sorted(maps.Keys(changed)) {
			if !send(app) {
				return false
			}
		}
		return true
	}
	for ctx.Err() == nil {
		if conn == nil {
			var err error
			if conn, err = r.listen(ctx); err != nil {
				r.log.Warn("registry: listening again", "err", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(r.poll):
				}
				continue
			}
			if !reread() {
				return
			}
		}
		wctx, cancel := context.WithTimeout(ctx, r.poll)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if !registry.NameRE.MatchString(n.Payload) {
				r.log.Warn("registry: a notification that is not an app name, ignored", "payload", fmt.Sprintf("%.80q", n.Payload))
				continue
			}
			if !send(n.Payload) {
				return
			}
		case ctx.Err() != nil:
			return
		case !conn.PgConn().IsClosed(): // the wait timed out: time to re-read
			if !reread() {
				return
			}
		default:
			r.log.Warn("registry: the listening connection failed", "err", err)
			conn.Close(context.Background())
			conn = nil
		}
	}
}
