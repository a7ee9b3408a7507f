// PostgreSQL roles: the host, through the operator's admin URL, gives each
// app a login role that owns the app's schema and nothing else, and the
// app's connections log in as that role, so that PostgreSQL's own
// permissions keep apps apart (spec/RATIONALE.md, "PostgreSQL: a role per
// app"). The admin URL never reaches a guest; the app's password is derived
// from a host secret, so hosts that share the secret agree on it.

package postgres

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sandkit.dev/sandkit/host/settings"
)

// DatabaseSecretEnv keys the derivation of the apps' role passwords. Unset,
// the admin URL itself is the key, so hosts given the same admin URL agree.
const DatabaseSecretEnv = "SANDKIT_DATABASE_SECRET"

// pgAdmin is the host's PostgreSQL settings: the admin URL and the secret
// the apps' passwords are derived from. Neither is ever given to a guest.
type pgAdmin struct {
	url    string
	secret []byte
}

// adminFromEnv reads the admin settings of the host's environment.
func adminFromEnv(adminURL string) pgAdmin {
	secret := []byte(os.Getenv(DatabaseSecretEnv))
	if len(secret) == 0 {
		secret = []byte(adminURL)
	}
	return pgAdmin{url: adminURL, secret: secret}
}

// password is the login password of role: HMAC-SHA256 of the role's name
// under the host secret, base64url (43 characters, none needing quotes).
func (p pgAdmin) password(role string) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte("sandkit postgres role\x00" + role))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// appConfig is the connection configuration of the app whose role (and
// schema) is role: the admin URL's server, database and TLS settings, with
// the app's role and password instead of the admin's.
func (p pgAdmin) appConfig(role string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(p.url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", settings.DatabaseURLEnv, err)
	}
	cfg.User = role
	cfg.Password = p.password(role)
	return cfg, nil
}

// provision makes sure the app's role and schema (both named
// schema) exist as the design says: the role logs in with the derived
// password, has no attributes and no memberships, owns the schema and
// every object in it, and may connect to the database; PUBLIC keeps no
// rights on the database or on schema public where the admin can revoke
// them. It returns what the admin could not revoke, for the log. Hosts
// provisioning at once are serialized by an advisory lock; the work is one
// transaction, and runs again on every host start (it is idempotent and
// repairs a role whose password or schema an earlier version left as it was).
func provision(ctx context.Context, admin pgAdmin, schema string) (notRevoked []string, err error) {
	cfg, err := pgx.ParseConfig(admin.url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", settings.DatabaseURLEnv, err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("admin connection (%s): %w", settings.DatabaseURLEnv, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var adminRole, dbName string
	var canCreateRoles bool
	if err := conn.QueryRow(ctx, `SELECT current_user, current_database(), rolcreaterole OR rolsuper
		FROM pg_roles WHERE rolname = current_user`).Scan(&adminRole, &dbName, &canCreateRoles); err != nil {
		return nil, err
	}
	if !canCreateRoles {
		return nil, fmt.Errorf("the role %s of %s needs CREATEROLE to give each app its own role: ALTER ROLE %s CREATEROLE (spec/config.md)",
			adminRole, settings.DatabaseURLEnv, quoteIdent(adminRole))
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, provisioningLock); err != nil {
		return nil, err
	}
	role, db := quoteIdent(schema), quoteIdent(dbName)
	pw := "'" + admin.password(schema) + "'"

	var exists, privileged bool
	var memberships int
	err = tx.QueryRow(ctx, `SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls,
		(SELECT count(*) FROM pg_auth_members WHERE member = r.oid)
		FROM pg_roles r WHERE rolname = $1`, schema).Scan(&privileged, &memberships)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		exists = true
	}
	if exists && (privileged || memberships > 0) {
		return nil, fmt.Errorf("role %s exists with attributes or memberships an app's role must not have: drop it, or rename the app", schema)
	}
	stmts := []string{"ALTER ROLE " + role + " LOGIN NOINHERIT PASSWORD " + pw}
	if !exists {
		stmts = []string{"CREATE ROLE " + role + " LOGIN NOINHERIT PASSWORD " + pw}
	}
	stmts = append(stmts,
		// The admin must be a member to give the role its schema
		// (PostgreSQL 15; 16 makes the creator one).
		"GRANT "+role+" TO CURRENT_USER",
		"GRANT CONNECT ON DATABASE "+db+" TO "+role,
		"CREATE SCHEMA IF NOT EXISTS "+role+" AUTHORIZATION "+role,
		"ALTER SCHEMA "+role+" OWNER TO "+role,
		"REVOKE ALL ON SCHEMA "+role+" FROM PUBLIC",
	)
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return nil, fmt.Errorf("%s: %w", strings.Replace(s, pw, "'…'", 1), err)
		}
	}
	// Objects an earlier version made in the schema as the shared role go
	// to the app's role. Sequences owned by a column follow their table.
	rows, err := tx.Query(ctx, `SELECT c.relkind::text, c.relname FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relowner <> $2::regrole
		AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))`,
		role, role)
	if err != nil {
		return nil, err
	}
	type rel struct{ Kind, Name string }
	rels, err := pgx.CollectRows(rows, pgx.RowToStructByPos[rel])
	if err != nil {
		return nil, err
	}
	for _, r := range rels {
		kind := map[string]string{"v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE", "f": "FOREIGN TABLE"}[r.Kind]
		if kind == "" {
			kind = "TABLE"
		}
		if _, err := tx.Exec(ctx, "ALTER "+kind+" "+role+"."+quoteIdent(r.Name)+" OWNER TO "+role); err != nil {
			return nil, fmt.Errorf("giving %s.%s to the app's role: %w", schema, r.Name, err)
		}
	}
	types, err := tx.Query(ctx, `SELECT t.typname FROM pg_type t WHERE t.typnamespace = $1::regnamespace
		AND t.typowner <> $2::regrole AND t.typtype IN ('c', 'e', 'd', 'r', 'm') AND t.typrelid = 0`, role, role)
	if err != nil {
		return nil, err
	}
	typeNames, err := pgx.CollectRows(types, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, t := range typeNames {
		if _, err := tx.Exec(ctx, "ALTER TYPE "+role+"."+quoteIdent(t)+" OWNER TO "+role); err != nil {
			return nil, fmt.Errorf("giving type %s.%s to the app's role: %w", schema, t, err)
		}
	}
	// What PUBLIC has by default: CONNECT and TEMP on the database (TEMP
	// tables would outlive a request on a pooled connection), USAGE on
	// schema public. Only the owner may revoke them: each in a savepoint,
	// and what fails is reported instead.
	for _, s := range []string{
		"REVOKE ALL ON DATABASE " + db + " FROM PUBLIC",
		"REVOKE ALL ON SCHEMA public FROM PUBLIC",
	} {
		if _, err := tx.Exec(ctx, "SAVEPOINT revoke"); err != nil {
			return nil, err
		}
		_, err := tx.Exec(ctx, s)
		var pe *pgconn.PgError
		switch {
		case err == nil:
			_, err = tx.Exec(ctx, "RELEASE SAVEPOINT revoke")
		case errors.As(err, &pe) && (pe.Code == "42501" || pe.Code == "3F000"):
			notRevoked = append(notRevoked, s+": "+pe.Message)
			_, err = tx.Exec(ctx, "ROLLBACK TO SAVEPOINT revoke")
		}
		if err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return notRevoked, nil
}

// provisioningLock serializes, across hosts, the statements that change
// the database's privileges (GRANT CONNECT, REVOKE … ON DATABASE, DROP
// OWNED): PostgreSQL fails concurrent updates of the database's row with
// "tuple concurrently updated" instead of waiting.
const provisioningLock = "SELECT pg_advisory_xact_lock(hashtext('sandkit provisioning'))"

// dropRole drops the app's schema, what its role owns in the
// database (large objects included) and the role.
func dropRole(ctx context.Context, conn *pgx.Conn, schema string) error {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", schema).Scan(&exists); err != nil {
		return err
	}
	q := "DROP SCHEMA IF EXISTS " + quoteIdent(schema) + " CASCADE"
	if exists {
		q += "; DROP OWNED BY " + quoteIdent(schema) + "; DROP ROLE " + quoteIdent(schema)
	}
	_, err := conn.Exec(ctx, q)
	return err
}

// Drop deletes the app named app from the database at adminURL: its
// schema, everything in it, what its role owns elsewhere, and the role.
// adminURL must be the host's admin URL (a role with CREATEROLE that is a
// member of the app's role, as provisioning leaves it).
func Drop(ctx context.Context, adminURL, app string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("admin connection: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, provisioningLock); err != nil {
		return err
	}
	if err := dropRole(ctx, tx.Conn(), Schema(app)); err != nil {
		return fmt.Errorf("dropping app %q (role and schema %s): %w", app, Schema(app), err)
	}
	return tx.Commit(ctx)
}
