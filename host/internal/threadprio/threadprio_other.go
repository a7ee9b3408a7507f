//go:build !linux

package threadprio

func lower() Lowered      { return Lowered{} }
func restore(int)         {}
func runLowered(f func()) { f() }
func probe() bool         { return false }
