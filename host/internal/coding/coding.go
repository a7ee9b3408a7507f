// Package coding picks the content coding of a response from a request's
// Accept-Encoding header (RFC 9110 §12.5.3), among the codings a server
// has the body in.
package coding

import (
	"net/http"
	"strconv"
	"strings"
)

// Negotiate returns the coding of have ("br", "gzip": the codings the body
// is available in besides identity, the server's preference first) to
// answer r with, or "" for identity (no Content-Encoding).
//
// Each coding gets the weight (q) of its own entry in Accept-Encoding, else
// that of "*", else none. "x-gzip" counts as "gzip"; names are matched
// without regard to case. A weight of 0 refuses a coding; an entry whose
// weight does not parse as a qvalue (0 to 1, at most three decimals) is
// ignored. The coding of highest weight wins, ties going to the earlier in
// have; identity wins over them only when it is named with a higher weight
// than theirs. No header, or no acceptable coding, is identity: identity
// is sent even when the header refuses it ("identity;q=0"), as the body
// exists in no coding the client takes.
func Negotiate(r *http.Request, have ...string) string {
	vals := r.Header.Values("Accept-Encoding")
	if len(vals) == 0 || len(have) == 0 {
		return ""
	}
	weights := parse(strings.Join(vals, ","))
	weight := func(c string) (float64, bool) {
		if q, ok := weights[c]; ok {
			return q, true
		}
		q, ok := weights["*"]
		return q, ok
	}
	best, bestQ := "", 0.0
	for _, c := range have {
		if q, ok := weight(c); ok && q > bestQ {
			best, bestQ = c, q
		}
	}
	if q, ok := weights["identity"]; ok && q > bestQ {
		return ""
	}
	return best
}

// parse maps each coding of an Accept-Encoding value (lower case, x-gzip
// as gzip) to its weight. A coding listed twice keeps its first weight.
func parse(s string) map[string]float64 {
	w := map[string]float64{}
	for elem := range strings.SplitSeq(s, ",") {
		name, params, _ := strings.Cut(elem, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if name == "x-gzip" {
			name = "gzip"
		}
		q, ok := 1.0, true
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, ok = qvalue(strings.TrimSpace(v))
			}
		}
		if _, seen := w[name]; ok && !seen {
			w[name] = q
		}
	}
	return w
}

// qvalue parses a weight: "0" to "1", with at most three decimals
// (RFC 9110 §12.4.2).
func qvalue(s string) (float64, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') || (len(s) > 1 && s[1] != '.') {
		return 0, false
	}
	for _, c := range s[min(2, len(s)):] {
		if c < '0' || c > '9' || (s[0] == '1' && c != '0') {
			return 0, false
		}
	}
	q, err := strconv.ParseFloat(s, 64)
	return q, err == nil
}
