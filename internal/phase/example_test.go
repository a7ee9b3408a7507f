package phase_test

import (
	"context"
	"fmt"

	"sandkit.dev/sandkit/internal/phase"
)

// A caller times the phases of one operation by giving it a context with
// a Recorder; code without one pays a context lookup.
func Example() {
	var rec phase.Recorder
	ctx := phase.With(context.Background(), &rec)
	open := func(ctx context.Context) {
		defer phase.Start(ctx, "open")()
		end := phase.Start(ctx, "read")
		end()
	}
	open(ctx)
	open(context.Background()) // not recorded
	for _, s := range rec.Spans() {
		fmt.Println(s.Name)
	}
	// Output:
	// read
	// open
}
