// config: print an app's effective settings and where each came from.

package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"sandkit.dev/sandkit/host/settings"
)

var configCmd = &command{
	name:    "config",
	summary: "print an app's effective settings and where each came from",
	usage:   configUsage,
	run:     runConfig,
}

const configUsage = `Usage: sandkit config [APPDIR]

Prints every setting of the app in APPDIR (default: the current folder) as
it would be served, one a line in TOML notation, each with where its value
came from: "default", a file and line (sandkit.toml, or the environment's
sandkit.<env>.toml, with "from_env VAR" when the file names a variable), or
the $SANDKIT_* variable that overrides it (spec/config.md). Values read
through from_env, and [env] values from variables, are shown as
<set by VAR>, and a database URL's password as xxxxx, so the output can be
shared.
`

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := appDirOnly("config", configUsage, args, stderr)
	if err != nil {
		return err
	}
	s, err := settings.Load(dir)
	if err != nil {
		return err
	}
	env := "$" + settings.EnvNameVar
	if _, ok := os.LookupEnv(settings.EnvNameVar); !ok {
		env += " unset"
	}
	fmt.Fprintf(stdout, "# environment %q (%s)\n", s.Env(), env)
	for _, f := range s.Files() {
		fmt.Fprintf(stdout, "# read %s\n", f)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 1, ' ', 0)
	for _, st := range s.All() {
		fmt.Fprintf(tw, "%s\t= %s\t# %s\n", st.Key, shown(st), st.Origin)
	}
	return tw.Flush()
}

// shown is a setting's value as config prints it: secrets masked.
func shown(st settings.Setting) string {
	if st.Origin.Kind == settings.FromFile && st.Origin.Var != "" {
		return "<set by " + st.Origin.Var + ">"
	}
	if st.Origin.Kind == settings.FromVariable && strings.HasPrefix(st.Key, "env.") {
		return "<set by " + st.Origin.Var + ">" // values for guests: often secrets
	}
	if st.Key == "secret_key" && st.Value != `""` {
		return "<secret>" // never printed, wherever it comes from
	}
	if st.Key == "database.url" {
		if s, err := strconv.Unquote(st.Value); err == nil && s != "" {
			if u, err := url.Parse(s); err == nil {
				return strconv.Quote(u.Redacted())
			}
		}
	}
	return st.Value
}
