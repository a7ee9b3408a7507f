package deploy

import (
	"testing"

	"sandkit.dev/sandkit/host/registry"
)

// The route variable's pattern is the registry's name rule.
func TestNameRule(t *testing.T) {
	if got, want := "^"+nameRE+"$", registry.NameRE.String(); got != want {
		t.Errorf("nameRE is %s, registry.NameRE %s", got, want)
	}
}
