module example.com/conduit

go 1.26.8

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/yuin/goldmark v1.8.7
	sandkit.dev/sandkit v0.0.0
)

require (
	golang.org/x/crypto v0.41.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace sandkit.dev/sandkit => ../..
