module example.com/conduit

go 1.26.8

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	golang.org/x/crypto v0.41.0
	sandkit.dev/sandkit v0.0.0
)

replace sandkit.dev/sandkit => ../..
