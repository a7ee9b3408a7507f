// Log budget: what a guest may write to the host log during one request,
// through the log import and its stdout and stderr together.

package host

import (
	"context"
	"log/slog"
)

// logRecordMin is the least a record counts against limits.log_bytes, so a
// flood of tiny records is bounded too (each costs the host a whole log
// line).
const logRecordMin = 256

// allowLog charges a record of n bytes to the request's budget and reports
// whether it may be logged. The first refusal logs, once, that the budget
// is spent; later records of the request are dropped silently.
func (c *call) allowLog(ctx context.Context, n int) bool {
	cost := int64(max(n, logRecordMin))
	if !c.logOver && cost <= c.logLeft {
		c.logLeft -= cost
		return true
	}
	if !c.logOver {
		c.logOver = true
		c.log.get().LogAttrs(ctx, slog.LevelWarn, "guest log budget spent: the request's further log records and output lines are dropped",
			slog.String("source", "host"), slog.String("limit", "limits.log_bytes"))
	}
	return false
}
