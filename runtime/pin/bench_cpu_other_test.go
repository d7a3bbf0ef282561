//go:build !unix

package pin

import "time"

// cpuTime is unavailable here; CPU metrics then read as zero.
func cpuTime() time.Duration { return 0 }
