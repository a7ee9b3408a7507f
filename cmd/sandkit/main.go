// Command sandkit builds and serves sandkit apps: web apps whose route
// handlers run as WebAssembly in a sandbox.
//
// Usage:
//
//	sandkit dev [APPDIR] [--addr 127.0.0.1:8080]
//	sandkit serve [APPDIR] [--addr 127.0.0.1:8080]
//	sandkit serve --apps DIR --base-domain DOMAIN [--host-config FILE]
//
// Run "sandkit help" or "sandkit COMMAND --help" for details.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	usage   string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []*command{newCmd, devCmd, serveCmd, buildCmd, deployCmd, generateCmd, migrateCmd, configCmd, routesCmd, checkCmd, upgradeCmd, versionCmd}

const usage = `sandkit builds and serves web apps whose code runs in a WebAssembly sandbox.

Usage:
  sandkit COMMAND [ARGS]

Commands:
%s
Run "sandkit COMMAND --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI and returns its exit code: 0 on success, 1 on a
// failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			args = []string{args[1], "--help"}
		} else {
			fmt.Fprintf(stdout, usage, commandList())
			if len(args) == 0 {
				return 2
			}
			return 0
		}
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errChecked):
				return 1
			case errors.As(err, new(usageError)):
				var ue usageError
				errors.As(err, &ue)
				if !ue.shown {
					fmt.Fprintf(stderr, "sandkit %s: %v\n", c.name, err)
				}
				return 2
			default:
				fmt.Fprintf(stderr, "sandkit %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "sandkit: unknown command %q\n\n", args[0])
	fmt.Fprintf(stderr, usage, commandList())
	return 2
}

func commandList() string {
	s := ""
	for _, c := range commands {
		s += fmt.Sprintf("  %-10s %s\n", c.name, c.summary)
	}
	return s
}

// usageError is a mistake in how a command was called.
type usageError struct {
	msg   string
	shown bool // the flag package has already printed it, with the usage
}

func (e usageError) Error() string { return e.msg }

// parseInterleaved parses flags that may come before or after positional
// arguments ("serve DIR --addr X" as well as "serve --addr X DIR").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{msg: err.Error(), shown: true}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
