//go:build unix

package devnet

import (
	"syscall"
	"time"
)

// usage is the process's CPU time so far and its peak resident set size
// in bytes (getrusage; Linux reports ru_maxrss in KiB).
func usage() (cpu time.Duration, maxRSS int64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, int64(ru.Maxrss) * 1024
}
