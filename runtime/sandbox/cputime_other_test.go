//go:build !linux

package sandbox

import "time"

var benchStart = time.Now()

// threadCPU falls back to wall time off Linux.
func threadCPU() time.Duration { return time.Since(benchStart) }
