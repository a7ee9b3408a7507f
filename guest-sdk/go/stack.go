// Panic stacks: name the compiler's virtual route packages by their folders.

package sandkit

import "strings"

// genMarker is how the compiler's virtual route packages appear in file and
// function names: example.com/app/sandkit_gen/r3/handler.go, .../r3.Get.
const genMarker = "/sandkit_gen/r"

// readableStack rewrites the virtual package of the panicking route in a
// stack trace to its folder, so that a person reads
// routes/posts/slug.param/handler.go:12 instead of
// example.com/app/sandkit_gen/r3/handler.go:12. Route packages cannot
// import one another, so every virtual package in the stack of route's
// handler is route's own.
func readableStack(stack, route string) string {
	if !strings.Contains(stack, genMarker) {
		return stack
	}
	dir := "routes"
	if route != "" && route != Fallback {
		dir += "/" + route
	}
	var b strings.Builder
	for {
		i := strings.Index(stack, genMarker)
		if i < 0 {
			b.WriteString(stack)
			return b.String()
		}
		j := i + len(genMarker)
		for j < len(stack) && '0' <= stack[j] && stack[j] <= '9' {
			j++
		}
		if j == i+len(genMarker) || j == len(stack) || (stack[j] != '/' && stack[j] != '.') {
			b.WriteString(stack[:j]) // not a route package: keep it
			stack = stack[j:]
			continue
		}
		start := strings.LastIndexAny(stack[:i], " \t\n(") + 1 // the path starts after a separator
		b.WriteString(stack[:start])
		b.WriteString(dir)
		stack = stack[j:]
	}
}
