// Package console marks the console's tenants page as having a handler:
// its data is answered by package host/console (data.go), a Go handler
// of the host, not by a guest. sandkit's compiler reads this file's
// presence only, so that client navigation fetches the page's data.
package console
