// Check: an app's migration files read without opening its database, for
// "sandkit check".

package appdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CheckMigrationFiles reports, without touching any database, the files of
// appDir/migrations that break the naming convention and the down
// migrations that have no up migration. It returns the number of up
// migrations found; an app without the folder has none.
func CheckMigrationFiles(appDir string) (int, error) {
	mdir := filepath.Join(appDir, MigrationsDir)
	ents, err := os.ReadDir(mdir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var errs []error
	if err := checkMigrationNames(mdir); err != nil {
		errs = append(errs, fmt.Errorf("%w\nhint: sandkit migrate create NAME writes a correctly named pair", err))
	}
	ups, n := map[string]bool{}, 0
	for _, e := range ents {
		if m := migrationName.FindStringSubmatch(e.Name()); m != nil && m[4] == "up" {
			ups[m[1]+"_"+m[2]] = true
			if m[3] == "" {
				n++
			}
		}
	}
	for _, e := range ents {
		m := migrationName.FindStringSubmatch(e.Name())
		if m != nil && m[4] == "down" && !ups[m[1]+"_"+m[2]] {
			errs = append(errs, fmt.Errorf("%s/%s: a down migration without its up migration\nhint: add %s or remove this file",
				MigrationsDir, e.Name(), strings.Replace(e.Name(), ".down.sql", ".up.sql", 1)))
		}
	}
	return n, errors.Join(errs...)
}
