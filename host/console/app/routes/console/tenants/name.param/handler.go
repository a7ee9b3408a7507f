// Package name marks a tenant's console page as having a handler: its
// data and its rollback form are answered by package host/console
// (data.go), a Go handler of the host, not by a guest. sandkit's compiler
// reads this file's presence only.
package name
