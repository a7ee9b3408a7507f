module example.com/navapp

go 1.26.8

require sandkit.dev/sandkit v0.0.0

replace sandkit.dev/sandkit => ../../../..
