// Upgrade: replace an app's copy of the guest SDK (.sandkit/sdk, written by
// sandkit new) with the one this binary carries, after a CLI upgrade.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

var upgradeCmd = &command{
	name:    "upgrade",
	summary: "replace the app's copy of the guest SDK with this sandkit's",
	usage:   upgradeUsage,
	run:     runUpgrade,
}

const upgradeUsage = `Usage: sandkit upgrade [APPDIR]

Replaces APPDIR/.sandkit/sdk, the copy of the Go guest SDK that "sandkit new"
wrote beside the app, with the SDK this sandkit binary carries, so that the
app's handlers build against the ABI this sandkit serves. Run it after
installing a newer sandkit. Only an app whose go.mod replaces
sandkit.dev/sandkit with ./.sandkit/sdk is changed; the old copy is kept
until the new one is complete, so a failure leaves the app as it was.
`

func runUpgrade(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, err := appDirOnly("upgrade", upgradeUsage, args, stderr)
	if err != nil {
		return err
	}
	gomod := filepath.Join(dir, "go.mod")
	b, err := os.ReadFile(gomod)
	if err != nil {
		return fmt.Errorf("%w\nhint: sandkit upgrade updates an app made by sandkit new, whose go.mod uses the SDK in %s", err, sdkDir)
	}
	f, err := modfile.Parse(gomod, b, nil)
	if err != nil {
		return err
	}
	uses := false
	for _, r := range f.Replace {
		if r.Old.Path == "sandkit.dev/sandkit" && filepath.Clean(r.New.Path) == filepath.Clean(sdkDir) {
			uses = true
		}
	}
	if !uses {
		return fmt.Errorf("%s does not replace sandkit.dev/sandkit with ./%s, so there is no SDK copy to upgrade\nhint: an app made by sandkit new has that replace; for another, point its replace at a sandkit checkout", gomod, sdkDir)
	}
	target := filepath.Join(dir, filepath.FromSlash(sdkDir))
	next, err := os.MkdirTemp(filepath.Dir(target), "sdk-next-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(next)
	if _, err := writeSDK(next); err != nil {
		return fmt.Errorf("writing the guest SDK: %w", err)
	}
	old := target + ".old"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if err := os.Rename(target, old); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(next, target); err != nil {
		os.Rename(old, target)
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: guest SDK %s\n", target, sandkitVersion())
	return nil
}
