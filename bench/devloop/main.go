// Command devloop measures sandkit dev's edit loop: the time from saving a
// file to the new version going live, as the browser learns it (the "state"
// event with a new build on the dev event stream). See docs/benchmarks.md.
//
//	sandkit dev --addr 127.0.0.1:18555 APP &
//	go run ./bench/devloop -url http://127.0.0.1:18555 -file APP/routes/page.tsx -re '(page v)[0-9]+' -n 9
//
// Each round replaces the first match of -re (its first group is kept,
// followed by a fresh number) and waits for the next build.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "sandkit dev's address")
	file := flag.String("file", "", "the file to edit")
	re := flag.String("re", "", "what to replace in it: a regexp whose first group is kept")
	n := flag.Int("n", 5, "rounds")
	flag.Parse()
	pat := regexp.MustCompile(*re)
	resp, err := http.Get(*url + "/_sandkit/dev/events")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	type state struct {
		Build    string            `json:"build"`
		Problems []json.RawMessage `json:"problems"`
	}
	next := func() state {
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var s state
				if err := json.Unmarshal([]byte(d), &s); err != nil {
					log.Fatal(err)
				}
				return s
			}
		}
		log.Fatal("event stream ended: ", sc.Err())
		return state{}
	}
	cur := next().Build
	var ms []int
	for i := 0; i < *n; i++ {
		src, err := os.ReadFile(*file)
		if err != nil {
			log.Fatal(err)
		}
		loc := pat.FindSubmatchIndex(src)
		if loc == nil || len(loc) < 4 {
			log.Fatalf("%s: no match for %s", *file, *re)
		}
		edited := slices.Concat(src[:loc[3]], []byte(strconv.FormatInt(time.Now().UnixNano(), 10)), src[loc[1]:])
		start := time.Now()
		if err := os.WriteFile(*file, edited, 0o644); err != nil {
			log.Fatal(err)
		}
		for {
			s := next()
			if len(s.Problems) > 0 {
				log.Fatalf("the edit failed: %s", s.Problems)
			}
			if s.Build != cur {
				cur = s.Build
				break
			}
		}
		ms = append(ms, int(time.Since(start).Milliseconds()))
	}
	sorted := slices.Clone(ms)
	slices.Sort(sorted)
	fmt.Printf("%s: save -> live (ms) %v, median %d\n", *file, ms, sorted[len(sorted)/2])
}
