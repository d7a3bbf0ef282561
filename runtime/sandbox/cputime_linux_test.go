package sandbox

import (
	"syscall"
	"time"
)

// rusageThread is Linux's RUSAGE_THREAD (not exported by syscall).
const rusageThread = 1

// threadCPU is the CPU time of the calling OS thread, so benchmark ratios
// hold on a loaded machine; the caller locks its OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
