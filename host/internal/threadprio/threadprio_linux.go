package threadprio

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// nice returns the calling thread's nice value. The getpriority system
// call returns 20 − nice, so that it is never negative.
func nice() (int, error) {
	raw, err := unix.Getpriority(unix.PRIO_PROCESS, 0)
	return 20 - raw, err
}

// setNice sets the calling thread's nice value: on Linux, PRIO_PROCESS
// with a thread id names that thread alone.
func setNice(n int) error { return unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), n) }

func lower() Lowered {
	runtime.LockOSThread()
	was, err := nice()
	if err == nil && was < Lowest {
		err = setNice(Lowest)
	}
	if err != nil {
		runtime.UnlockOSThread()
		return Lowered{}
	}
	return Lowered{done: true, was: was}
}

func restore(was int) {
	if err := setNice(was); err != nil {
		return // stay locked: the thread ends with the goroutine
	}
	runtime.UnlockOSThread()
}

func runLowered(f func()) {
	runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
	_ = setNice(Lowest)    // raising one's own nice value needs no privilege
	f()
}

// probe lowers a throwaway thread and raises it back.
func probe() bool {
	ok := make(chan bool)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		was, err := nice()
		ok <- err == nil && setNice(Lowest) == nil && setNice(was) == nil
	}()
	return <-ok
}
