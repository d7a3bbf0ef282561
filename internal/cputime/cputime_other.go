//go:build !linux

package cputime

import "time"

var start = time.Now()

// Thread falls back to the wall time since the program started off Linux.
func Thread() time.Duration { return time.Since(start) }
