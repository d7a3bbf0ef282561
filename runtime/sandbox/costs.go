package sandbox

// Gas charged by host functions, before they do any work. These constants
// are consensus: changing one changes verdicts, so it goes with a bump of
// meter.Version. docs/abi.md documents them.
const (
	// CostHostCall is the base cost of every call into an "assay" or
	// "wasi_snapshot_preview1" host function.
	CostHostCall = 100
	// CostPerByte is charged for every byte a host function copies into or
	// out of guest memory (input_read, params_read, output_write, reject,
	// log, fd_write). It is charged on the requested length of writes and
	// logs, and on the bytes actually copied for reads.
	CostPerByte = 1
	// CostRandomPerByte is charged for every byte random_get produces.
	CostRandomPerByte = 4
	// CostPerIovec is charged for every iovec fd_write reads.
	CostPerIovec = 10
	// CostPerSubscription is charged for every subscription poll_oneoff
	// answers.
	CostPerSubscription = 50
)
