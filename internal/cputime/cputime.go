// Package cputime reads the CPU time of the calling OS thread, so that
// benchmarks' numbers and ratios hold on a loaded machine. Callers lock
// their OS thread (runtime.LockOSThread) around a measurement.
package cputime
