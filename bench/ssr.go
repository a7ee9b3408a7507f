package main

import (
	"context"
	"log/slog"
)

func ssrBench(ctx context.Context, r *report, root, work string, log *slog.Logger, n int) error { return nil }
