// Package store is the app's shared Go code: handlers import it.
package store

// Greeting is what the home page says.
func Greeting() string { return "hello from store v1" }
