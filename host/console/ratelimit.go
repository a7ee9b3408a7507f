// The login's rate limit: a token bucket per client address, in a map of
// bounded size, so guessing the operator token costs time and the map
// cannot grow without end.

package console

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login attempts: each client address may try LoginBurst times at once,
// then once per LoginInterval; at most maxLoginClients addresses are
// remembered (past it the one seen least recently is forgotten).
const (
	LoginBurst      = 5
	LoginInterval   = 10 * time.Second
	maxLoginClients = 4096
)

// loginLimiter is the login's rate limit.
type loginLimiter struct {
	now func() time.Time

	mu      sync.Mutex
	clients map[string]*loginClient
}

type loginClient struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{now: time.Now, clients: map[string]*loginClient{}}
}

// allow takes one attempt from r's client address and reports whether it
// may go on; when not, wait is how long until it may.
func (l *loginLimiter) allow(r *http.Request) (ok bool, wait time.Duration) {
	addr := clientAddr(r)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.clients[addr]
	if c == nil {
		if len(l.clients) >= maxLoginClients {
			l.forget(now)
		}
		c = &loginClient{lim: rate.NewLimiter(rate.Every(LoginInterval), LoginBurst)}
		l.clients[addr] = c
	}
	c.seen = now
	res := c.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// forget drops the clients whose bucket has filled again (they are as new),
// or, if none has, the one seen least recently.
func (l *loginLimiter) forget(now time.Time) {
	var oldest string
	for k, c := range l.clients {
		if c.lim.TokensAt(now) >= LoginBurst {
			delete(l.clients, k)
			continue
		}
		if oldest == "" || c.seen.Before(l.clients[oldest].seen) {
			oldest = k
		}
	}
	if len(l.clients) >= maxLoginClients && oldest != "" {
		delete(l.clients, oldest)
	}
}

// clientAddr is the address r came from, as the listener saw it (a header
// a proxy adds is not trusted): an IPv4 address, or an IPv6 address's /64,
// which one client usually holds whole.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip4 := ip.To4(); ip4 != nil {
		return ip4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// retryAfter is d in whole seconds, rounded up, for a Retry-After header.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
