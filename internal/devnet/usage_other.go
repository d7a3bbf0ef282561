//go:build !unix

package devnet

import "time"

// usage is not measured on this platform.
func usage() (cpu time.Duration, maxRSS int64) { return 0, 0 }
