//go:build unix

package index

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, in all its threads: on a
// machine shared with other work it measures cost where wall time cannot.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
