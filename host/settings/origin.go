// Origin: where an effective setting came from (a default, a file and line,
// or an environment variable), for "sandkit config" and error messages.

package settings

import "fmt"

// OriginKind says which layer a setting's value came from.
type OriginKind int

const (
	// FromDefault: no layer set it.
	FromDefault OriginKind = iota
	// FromFile: sandkit.toml or the environment's sandkit.<env>.toml.
	FromFile
	// FromVariable: a SANDKIT_* environment variable ([VarName]).
	FromVariable
)

// Origin is where one setting's value came from.
type Origin struct {
	Kind OriginKind
	// File, Line and Column locate the value in a settings file (FromFile).
	File         string
	Line, Column int
	// Var is the environment variable the value was read from: the
	// SANDKIT_* override (FromVariable) or the variable a file named with
	// from_env (FromFile).
	Var string
}

// String describes the origin for a person: "default",
// "sandkit.toml:3", "sandkit.production.toml:2 (from_env APP_SECRET)",
// "$SANDKIT_LIMITS_REQUEST_TIMEOUT".
func (o Origin) String() string {
	switch o.Kind {
	case FromFile:
		s := fmt.Sprintf("%s:%d", o.File, o.Line)
		if o.Var != "" {
			s += " (from_env " + o.Var + ")"
		}
		return s
	case FromVariable:
		return "$" + o.Var
	}
	return "default"
}

// where prefixes a message with the origin's position, as compilers do:
// "sandkit.toml:3:1: ", "$SANDKIT_X: ".
func (o Origin) where() string {
	switch o.Kind {
	case FromFile:
		return fmt.Sprintf("%s:%d:%d: ", o.File, o.Line, o.Column)
	case FromVariable:
		return "$" + o.Var + ": "
	}
	return ""
}
