package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestE2EAccessLogComplete: sandkit serve writes its log in batches, and
// still every request answered before and during a SIGTERM has exactly one
// whole access line in the log once the process has exited.
func TestE2EAccessLogComplete(t *testing.T) {
	s := startServe(t, copyExample(t, "hello"))
	var (
		mu       sync.Mutex
		answered []string
		wg       sync.WaitGroup
		client   = &http.Client{Timeout: 30 * time.Second}
	)
	stop := make(chan struct{})
	reached := make(chan struct{}) // closed at the 2,000th answer
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("w%dr%d", w, i)
				res, err := client.Get(s.url + "/hello/" + name)
				if err != nil {
					return // the server is shutting down
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == 200 && string(b) == "Hello, "+name+"!\n" {
					mu.Lock()
					answered = append(answered, name)
					if len(answered) == 2000 {
						close(reached)
					}
					mu.Unlock()
				}
			}
		}()
	}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(answered)
	}
	select {
	case <-reached:
	case <-time.After(time.Minute):
		t.Fatalf("%d requests answered in a minute", count())
	}
	// SIGTERM while the workers still send requests.
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		s.exited <- err // for the cleanup of startServe
		if err != nil {
			t.Fatalf("sandkit serve exited with %v after SIGTERM", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("sandkit serve did not exit on SIGTERM")
	}
	close(stop)
	wg.Wait()

	logs := s.logs()
	if !strings.HasSuffix(logs, "\n") {
		t.Errorf("the log ends inside a line: %q", logs[max(0, len(logs)-200):])
	}
	line := regexp.MustCompile(`^time=\S+ level=INFO msg=request app=hello route=/hello/\{name\} module=\S+ version=\S+ request_id=\S+ method=GET path=/hello/(\S+) status=200 took=\S+$`)
	seen := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(logs, "\n"), "\n") {
		if !strings.HasPrefix(l, "time=") {
			t.Errorf("a broken log line: %q", l)
			continue
		}
		if m := line.FindStringSubmatch(l); m != nil {
			seen[m[1]]++
		} else if strings.Contains(l, "msg=request") {
			t.Errorf("an access line out of shape: %q", l)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	missing := 0
	for _, name := range answered {
		if seen[name] != 1 {
			missing++
			if missing <= 5 {
				t.Errorf("request %s answered, logged %d times", name, seen[name])
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d answered requests are not logged exactly once", missing, len(answered))
	}
	t.Logf("%d requests answered, %d access lines", len(answered), len(seen))
}
