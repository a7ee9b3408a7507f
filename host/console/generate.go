// The console's pages are a sandkit pages app (app/) whose build is checked
// in (build/): an operator's machine has no npm. TestPagesUpToDate fails
// when build/ is not what app/ builds to.

package console

//go:generate go run ./internal/gen
