// Package procthreads reads a process's threads from /proc (Linux), for
// tests that check what the host does to its threads' priorities.
package procthreads

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// AtNice counts the threads of process pid (0: this process) whose nice
// value is n: field 19 of /proc/PID/task/TID/stat. Threads that end while
// it reads are skipped; off Linux it counts none.
func AtNice(pid, n int) int {
	proc := "self"
	if pid != 0 {
		proc = strconv.Itoa(pid)
	}
	dirs, _ := os.ReadDir(fmt.Sprintf("/proc/%s/task", proc))
	count := 0
	want := strconv.Itoa(n)
	for _, d := range dirs {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%s/task/%s/stat", proc, d.Name()))
		i := strings.LastIndexByte(string(b), ')')
		if err != nil || i < 0 {
			continue
		}
		// After the command's ")": the state is field 3, nice field 19.
		if f := strings.Fields(string(b[i+1:])); len(f) > 16 && f[16] == want {
			count++
		}
	}
	return count
}
