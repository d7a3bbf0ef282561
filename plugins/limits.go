package plugins

import "time"

// Defaults of Limits. DefaultTimeout, DefaultMaxBytes and
// DefaultConcurrency are also the [fetch] defaults of a node's assay.toml
// (package node), so a fetch by `assay fetch` and a node's fetch get the
// same limits when a key is left out.
const (
	DefaultTimeout           = 10 * time.Second
	DefaultMaxBytes          = 8 << 20
	DefaultConcurrency       = 4
	DefaultStartTimeout      = 10 * time.Second
	DefaultRestartBackoff    = 500 * time.Millisecond
	DefaultMaxRestartBackoff = 30 * time.Second
	DefaultHealthInterval    = 15 * time.Second
)

// Limits bound what fetches and plugins may cost. Zero fields take the
// defaults above.
type Limits struct {
	// Timeout bounds one fetch whose context has no deadline, including
	// waiting for a concurrency slot and starting the plugin. A caller's
	// deadline (the worker's: the end of the round's commit window)
	// replaces it.
	Timeout time.Duration
	// MaxBytes caps one input; reading stops at MaxBytes + 1.
	MaxBytes int64
	// Concurrency is the most fetches in flight per plugin.
	Concurrency int
	// StartTimeout bounds a plugin's start and handshake.
	StartTimeout time.Duration
	// RestartBackoff is the wait before restarting a plugin after its
	// first failure; it doubles with each further failure in a row.
	RestartBackoff time.Duration
	// MaxRestartBackoff caps the restart wait.
	MaxRestartBackoff time.Duration
	// HealthInterval is the period of health checks of running plugins;
	// negative disables them.
	HealthInterval time.Duration
}

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.Timeout, DefaultTimeout)
	def(&l.StartTimeout, DefaultStartTimeout)
	def(&l.RestartBackoff, DefaultRestartBackoff)
	def(&l.MaxRestartBackoff, DefaultMaxRestartBackoff)
	def(&l.HealthInterval, DefaultHealthInterval)
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.Concurrency <= 0 {
		l.Concurrency = DefaultConcurrency
	}
	return l
}

// backoff returns the restart wait after n failures in a row (n ≥ 1).
func (l Limits) backoff(n int) time.Duration {
	d := l.RestartBackoff
	for i := 1; i < n && d < l.MaxRestartBackoff; i++ {
		d *= 2
	}
	return min(d, l.MaxRestartBackoff)
}
