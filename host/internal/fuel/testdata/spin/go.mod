module sandkit.dev/sandkit/host/internal/fuel/testdata/spin

go 1.26.8
