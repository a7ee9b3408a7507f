// Package reactfixture is the React app the SSR engine's tests and
// benchmarks render (pages/testdata/app): its server bundle, made with
// esbuild's Go API as a classic script, and the data of its list page.
// pages' tests and host/internal/fuel's render benchmark share it, so
// that both measure the same bundle and input.
package reactfixture

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"sandkit.dev/sandkit/internal/npmfixture"
)

type bundle struct {
	once sync.Once
	js   []byte
	err  error
}

var (
	mu      sync.Mutex
	bundles = map[string]*bundle{}
)

// Bundle returns the app in dir (its server.jsx) bundled as an IIFE in
// production mode, installing its node_modules first (npmfixture: offline,
// from the deps step). It bundles each folder once per process.
func Bundle(dir string) ([]byte, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	mu.Lock()
	b, ok := bundles[abs]
	if !ok {
		b = &bundle{}
		bundles[abs] = b
	}
	mu.Unlock()
	b.once.Do(func() {
		if b.err = npmfixture.Install(abs); b.err != nil {
			return
		}
		res := api.Build(api.BuildOptions{
			EntryPoints: []string{filepath.Join(abs, "server.jsx")},
			Bundle:      true,
			Format:      api.FormatIIFE,
			Platform:    api.PlatformBrowser,
			Target:      api.ES2020,
			JSX:         api.JSXAutomatic,
			Define:      map[string]string{"process.env.NODE_ENV": `"production"`},
			LogLevel:    api.LogLevelSilent,
		})
		if len(res.Errors) > 0 {
			msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
			b.err = fmt.Errorf("esbuild: %s", strings.Join(msgs, "\n"))
			return
		}
		b.js = res.OutputFiles[0].Contents
	})
	return b.js, b.err
}

// Item is one card of the list page.
type Item struct {
	ID       int      `json:"id"`
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Cents    int      `json:"cents"`
	Stock    int      `json:"stock"`
	Featured bool     `json:"featured"`
	Tags     []string `json:"tags"`
}

// MakeItem returns item i: markup to escape in its body, a price, tags.
func MakeItem(i int) Item {
	return Item{
		ID: i, Title: fmt.Sprintf("Item number %d", i),
		Body:  strings.Repeat(fmt.Sprintf("Description of item %d <with> \"markup\" & more. ", i), 1+i%3),
		Cents: 199 + 37*i, Stock: i % 7, Featured: i%10 == 0,
		Tags: []string{"tag" + fmt.Sprint(i%5), "common"},
	}
}

// ListData is the data of the list page (route "list") with n items.
func ListData(n int) []byte {
	items := make([]Item, n)
	for i := range items {
		items[i] = MakeItem(i)
	}
	b, err := json.Marshal(map[string]any{"title": "All items", "page": 1, "items": items, "tags": []string{"tag0", "tag1", "tag2", "common"}})
	if err != nil {
		panic(err) // plain values: cannot fail
	}
	return b
}
