//go:build !linux

package codecheck_test

import "time"

var benchStart = time.Now()

// threadCPU falls back to wall time off Linux.
func threadCPU() time.Duration { return time.Since(benchStart) }
