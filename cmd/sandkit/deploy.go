// deploy: build an app, pack its artifact and upload it to a host's deploy
// API (spec/hosting.md); list an app's versions there, or roll back.

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"sandkit.dev/sandkit/host/deploy"
	"sandkit.dev/sandkit/host/registry"
	"sandkit.dev/sandkit/host/settings"
)

var deployCmd = &command{
	name:    "deploy",
	summary: "build an app and upload it to a host's deploy API; list versions, roll back",
	usage:   deployUsage,
	run:     runDeploy,
}

const deployUsage = `Usage:
  sandkit deploy [APPDIR] --to URL [--app NAME] [--no-activate]
  sandkit deploy --list [APP] --to URL
  sandkit deploy --rollback APP VERSION --to URL

Builds the app in APPDIR (default: the current folder) as "sandkit build -o"
does, packs its artifact into a bundle (a .tar.gz) and uploads it to the
deploy API of the host whose admin listener is at URL ("sandkit serve
--apps DIR --admin-addr ADDR"; spec/hosting.md). The host checks the
bundle, stores it as a new version, applies its migrations and activates
it; a refused bundle or a failing migration leaves the live version
serving. It prints the new version and whether it is active.

The app is deployed under its name (sandkit.toml's name, else its folder's
name), or NAME with --app: a host's app names are DNS labels (lower-case
letters, digits and '-').

--list lists APP's versions (or, with the operator token and no APP, the
host's apps); --rollback activates a stored version of APP again (or one
uploaded with --no-activate).

The token is --token, else $SANDKIT_DEPLOY_TOKEN: the app's deploy token
("APP.SECRET", made by the host's operator) or the operator token.

Flags:
`

func runDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "", "the URL of the host's admin listener, such as http://127.0.0.1:9090 (required)")
	token := fs.String("token", "", "the deploy or operator token (default: $SANDKIT_DEPLOY_TOKEN)")
	name := fs.String("app", "", "the app's name on the host (default: the app's own name)")
	noActivate := fs.Bool("no-activate", false, "store the new version without activating it (activate it later with --rollback)")
	list := fs.Bool("list", false, "list APP's versions, or the host's apps")
	rollback := fs.Bool("rollback", false, "activate version VERSION of APP")
	check := releaseFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, deployUsage)
		fs.PrintDefaults()
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *to == "" {
		return usageError{msg: "--to URL is required: the address of the host's admin listener, such as --to http://127.0.0.1:9090"}
	}
	if *list && *rollback {
		return usageError{msg: "--list and --rollback go alone"}
	}
	if *token == "" {
		*token = os.Getenv("SANDKIT_DEPLOY_TOKEN")
	}
	client, err := deploy.NewClient(*to, *token)
	if err != nil {
		return usageError{msg: "--to: " + err.Error()}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if inClear(*to, *token) {
		log.Warn("the token is sent over plain http: anyone on the way can read it; put the admin listener behind https", "to", *to)
	}
	switch {
	case *list:
		if len(pos) > 1 {
			return usageError{msg: "--list takes at most one APP"}
		}
		if len(pos) == 0 {
			return listApps(ctx, client, *to, stdout)
		}
		return listVersions(ctx, client, *to, pos[0], stdout)
	case *rollback:
		if len(pos) != 2 {
			return usageError{msg: "--rollback takes APP and VERSION: sandkit deploy --rollback blog v3 --to URL"}
		}
		d, err := client.Activate(ctx, pos[0], pos[1])
		if err != nil {
			return deployError(err, *to, pos[0], "activating "+pos[1])
		}
		fmt.Fprintf(stdout, "sandkit: %s %s is active on %s%s\n", pos[0], d.Name, *to, migrationsNote(d.Migrations))
		return nil
	}
	dir, err := appDirArg(pos)
	if err != nil {
		return err
	}
	app := *name
	if app == "" {
		cfg, err := settings.LoadConfig(dir)
		if err != nil {
			return err
		}
		app = cfg.Name
	}
	if !registry.NameRE.MatchString(app) {
		return usageError{msg: fmt.Sprintf("%q is not a name a host takes: lower-case letters, digits and '-', starting with a letter, at most 63 characters\nhint: name the app with --app NAME", app)}
	}
	return deployApp(ctx, client, deployment{dir: dir, app: app, to: *to, activate: !*noActivate, typecheck: check.typecheck(), tools: *check.tools}, log, stdout)
}

// deployment is what "sandkit deploy APPDIR" was asked to do.
type deployment struct {
	dir, app, to string
	activate     bool
	typecheck    bool
	tools        string
}

// deployApp builds the app, packs its artifact and uploads it.
func deployApp(ctx context.Context, client *deploy.Client, d deployment, log *slog.Logger, stdout io.Writer) error {
	tmp, err := os.MkdirTemp("", "sandkit-deploy-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if _, err := buildRelease(ctx, d.dir, false, d.typecheck, d.tools, log); err != nil {
		return err
	}
	out := filepath.Join(tmp, "artifact")
	if err := writeArtifact(d.dir, out, io.Discard); err != nil {
		return err
	}
	bundle, err := os.Create(filepath.Join(tmp, "bundle.tar.gz"))
	if err != nil {
		return err
	}
	defer bundle.Close()
	if err := registry.Pack(out, bundle); err != nil {
		return err
	}
	size, err := bundle.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if _, err := bundle.Seek(0, io.SeekStart); err != nil {
		return err
	}
	log.Info("uploading", "app", d.app, "to", d.to, "bytes", size)
	body := &countingReader{r: bundle}
	done := progressBytes(log, "uploading "+d.app, body.n.Load, size)
	start := time.Now()
	v, err := client.Upload(ctx, d.app, body, size, d.activate)
	done()
	if err != nil {
		return deployError(err, d.to, d.app, "uploading")
	}
	log.Info("uploaded", "app", d.app, "bytes", size, "took", time.Since(start).Round(time.Millisecond))
	if v.Active {
		fmt.Fprintf(stdout, "sandkit: %s %s is active on %s%s\n", d.app, v.Name, d.to, migrationsNote(v.Migrations))
	} else {
		fmt.Fprintf(stdout, "sandkit: %s %s is stored on %s, not active\n  activate it with: sandkit deploy --rollback %s %s --to %s\n", d.app, v.Name, d.to, d.app, v.Name, d.to)
	}
	return nil
}

// countingReader counts the bytes read through it, for the progress lines.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// migrationsNote says which migrations an activation applied.
func migrationsNote(applied []string) string {
	if len(applied) == 0 {
		return ""
	}
	return fmt.Sprintf(" (migrations applied: %s)", strings.Join(applied, ", "))
}

func listVersions(ctx context.Context, client *deploy.Client, to, app string, stdout io.Writer) error {
	vs, err := client.Versions(ctx, app)
	if err != nil {
		return deployError(err, to, app, "listing versions")
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tCREATED\tSIZE\tSHA256\tACTIVE")
	for _, v := range vs {
		active := ""
		if v.Active {
			active = "active"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.12s\t%s\n", v.Name, v.Created.UTC().Format(time.DateTime), megabytes(v.Size), v.SHA256, active)
	}
	return tw.Flush()
}

func listApps(ctx context.Context, client *deploy.Client, to string, stdout io.Writer) error {
	apps, err := client.Apps(ctx)
	if err != nil {
		return deployError(err, to, "", "listing apps")
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "APP\tACTIVE")
	for _, a := range apps {
		fmt.Fprintf(tw, "%s\t%s\n", a.Name, a.Active)
	}
	return tw.Flush()
}

// deployError says what went wrong talking to the host at to, and what to
// do about it.
func deployError(err error, to, app, what string) error {
	subject := "host " + to
	if app != "" {
		subject = fmt.Sprintf("app %q on %s", app, to)
	}
	var api *deploy.APIError
	if !errors.As(err, &api) {
		if errors.Is(err, context.Canceled) {
			return err
		}
		var netErr net.Error
		var opErr *net.OpError
		if errors.As(err, &opErr) || errors.As(err, &netErr) {
			return fmt.Errorf("%s: %s: cannot reach the host: %w\nhint: is it running with --admin-addr at that address? --to is the admin listener's URL, not the apps'", subject, what, err)
		}
		return fmt.Errorf("%s: %s: %w", subject, what, err)
	}
	var hint string
	switch api.Status {
	case http.StatusUnauthorized:
		hint = "pass the app's deploy token with --token or $SANDKIT_DEPLOY_TOKEN (the host's operator makes one: POST /v1/apps/APP/tokens)"
	case http.StatusForbidden:
		hint = "this token is not allowed to do that: use the app's own deploy token, or the operator token"
	case http.StatusRequestEntityTooLarge:
		hint = "the host's max_bundle_bytes bounds a bundle: make the app smaller (public/ files, pages' dependencies) or ask the operator"
	case http.StatusUnprocessableEntity:
		hint = "the version is stored but not active; the live version keeps serving. Fix the migration and deploy again"
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		if what == "uploading" {
			hint = "is --to the host's admin listener (sandkit serve --admin-addr), not the address it serves apps on?"
		}
	case http.StatusBadRequest:
		hint = "the host refused the bundle: nothing was stored and the live version keeps serving"
	}
	msg := fmt.Sprintf("%s: %s: the host answered %d %s: %s", subject, what, api.Status, http.StatusText(api.Status), api.Message)
	if hint != "" {
		msg += "\nhint: " + hint
	}
	return errors.New(msg)
}

// inClear reports whether sending token to the admin listener at to
// would send it unencrypted to another machine: plain http to a host that
// is not loopback.
func inClear(to, token string) bool {
	u, err := url.Parse(to)
	if err != nil || u.Scheme != "http" || token == "" {
		return false
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return host != "localhost" && (ip == nil || !ip.IsLoopback())
}
