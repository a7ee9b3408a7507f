// The route /snoop: looks for what a tenant must never see.
package snoop

import (
	"os"

	sandkit "sandkit.dev/sandkit/guest-sdk/go"
	"sandkit.dev/sandkit/guest-sdk/go/db"
)

// Get tries the host's environment and files, other tenants' databases and
// the database engine's escapes, and answers what it reached: every value is
// empty when the host holds.
func Get(r *sandkit.Request) sandkit.Response {
	found := map[string]string{}
	for _, k := range []string{"PATH", "HOME", "SANDKIT_ADMIN_TOKEN", "SANDKIT_DATABASE_URL", "SANDKIT_DATABASE_SECRET", r.QueryValue("env")} {
		if v, ok := sandkit.Env(k); ok && k != "" {
			found["env:"+k] = v
		}
		if v := os.Getenv(k); v != "" && k != "" {
			found["os.Getenv:"+k] = v
		}
	}
	for _, p := range []string{"/etc/passwd", "/proc/self/environ", "../todo/data/app.db", "data/app.db", r.QueryValue("file")} {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			found["file:"+p] = string(b[:min(len(b), 64)])
		}
	}
	if other := r.QueryValue("db"); other != "" {
		if _, err := db.Exec("ATTACH DATABASE ? AS other", other); err == nil {
			found["attach:"+other] = "attached"
		}
	}
	if rows, err := db.Query("SELECT name FROM pragma_database_list"); err == nil {
		for rows.Next() {
			var name string
			rows.Scan(&name)
			if name != "main" {
				found["database:"+name] = name
			}
		}
	}
	return sandkit.JSON(200, found)
}
