package sandbox

// SetPreinit turns pre-initialization on (the default) or off for codes
// stored in r from now on, so external tests can compare the two.
func SetPreinit(r *Runtime, on bool) { r.noPreinit = !on }

// SharedTestCacheDir is the compile cache shared by this package's tests.
func SharedTestCacheDir() string { return testCacheDir }
