module example.com/auth

go 1.26.8

require sandkit.dev/sandkit v0.0.0

require (
	golang.org/x/crypto v0.41.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace sandkit.dev/sandkit => ../..
