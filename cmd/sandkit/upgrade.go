// Upgrade: replace an app's copy of the guest SDK (.sandkit/sdk, written by
// sandkit new) with the one this binary carries, after a CLI upgrade.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	sdksrc "sandkit.dev/sandkit"
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
installing a newer sandkit. The modules the SDK's packages import
(golang.org/x/crypto for auth, SQLite and bun for sandkittest, ...) are
added to the app's go.mod and go.sum, or raised to the SDK's versions; the
app's own requirements and any higher version it chose are kept. Only an
app whose go.mod replaces sandkit.dev/sandkit with ./.sandkit/sdk is
changed; the old copy is kept until the new one is complete, so a failure
leaves the app as it was.
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
	info, err := writeSDK(next)
	if err != nil {
		return fmt.Errorf("writing the guest SDK: %w", err)
	}
	newMod, err := upgradeGoMod(f, info)
	if err != nil {
		return fmt.Errorf("%s: %w", gomod, err)
	}
	gosum := filepath.Join(dir, "go.sum")
	oldSum, err := os.ReadFile(gosum)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	newSum, err := mergeGoSum(oldSum, info.Sum)
	if err != nil {
		return fmt.Errorf("%s: %w", gosum, err)
	}
	// go.mod and go.sum are written beside their final names first, so that
	// a failure before the swap leaves the app as it was.
	var staged []string
	defer func() {
		for _, p := range staged {
			os.Remove(p)
		}
	}()
	for _, w := range []struct {
		name     string
		old, new []byte
	}{{gosum, oldSum, newSum}, {gomod, b, newMod}} {
		if bytes.Equal(w.old, w.new) {
			continue
		}
		tmp := w.name + ".sandkit-upgrade"
		if err := os.WriteFile(tmp, w.new, 0o644); err != nil {
			return err
		}
		staged = append(staged, tmp)
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
	for _, tmp := range staged {
		if err := os.Rename(tmp, strings.TrimSuffix(tmp, ".sandkit-upgrade")); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: guest SDK %s\n", target, sandkitVersion())
	if !bytes.Equal(b, newMod) {
		fmt.Fprintf(stdout, "%s: requirements of the guest SDK updated\n", gomod)
	}
	return nil
}

// upgradeGoMod returns the app's go.mod f with the guest SDK's
// requirements (info) in it: a module the app does not require is added
// as indirect, one it requires at a lower version is raised to the SDK's,
// and one it requires at the same or a higher version is left alone, as
// is every other requirement of the app. A go line older than the SDK's
// is raised to it.
func upgradeGoMod(f *modfile.File, info *sdksrc.ModuleInfo) ([]byte, error) {
	have := map[string]*modfile.Require{}
	var reqs []*modfile.Require
	for _, r := range f.Require {
		c := *r
		reqs = append(reqs, &c)
		have[r.Mod.Path] = &c
	}
	for _, want := range sdkRequires(info) {
		r, ok := have[want.Mod.Path]
		switch {
		case !ok:
			reqs = append(reqs, want)
			have[want.Mod.Path] = want
		case want.Mod.Path != "sandkit.dev/sandkit" && semver.Compare(r.Mod.Version, want.Mod.Version) < 0:
			r.Mod.Version = want.Mod.Version
		}
	}
	f.SetRequireSeparateIndirect(reqs)
	if f.Go == nil || version.Compare("go"+f.Go.Version, "go"+info.Go) < 0 {
		if err := f.AddGoStmt(info.Go); err != nil {
			return nil, err
		}
	}
	f.Cleanup()
	return f.Format()
}

// mergeGoSum adds the lines of add that have is missing and returns the
// result sorted as the go command sorts go.sum (by module path, then
// version).
func mergeGoSum(have, add []byte) ([]byte, error) {
	type line struct {
		mod  module.Version // Version may end in /go.mod
		hash string
	}
	seen := map[line]bool{}
	var lines []line
	for _, src := range [][]byte{have, add} {
		for i, l := range strings.Split(string(src), "\n") {
			fields := strings.Fields(l)
			if len(fields) == 0 {
				continue
			}
			if len(fields) != 3 {
				return nil, fmt.Errorf("line %d: want \"module version hash\", got %q", i+1, l)
			}
			ln := line{module.Version{Path: fields[0], Version: fields[1]}, fields[2]}
			if !seen[ln] {
				seen[ln] = true
				lines = append(lines, ln)
			}
		}
	}
	mods := make([]module.Version, len(lines))
	for i, l := range lines {
		mods[i] = l.mod
	}
	module.Sort(mods) // what the go command sorts go.sum with
	hashes := map[module.Version][]string{}
	for _, l := range lines {
		hashes[l.mod] = append(hashes[l.mod], l.hash)
	}
	mods = slices.Compact(mods)
	var out bytes.Buffer
	for _, m := range mods {
		for _, h := range hashes[m] {
			fmt.Fprintf(&out, "%s %s %s\n", m.Path, m.Version, h)
		}
	}
	return out.Bytes(), nil
}
