package devnet

import (
	"fmt"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"
)

// ServePprof serves net/http/pprof's handlers on addr (`assay devnet
// --pprof`), which must be a loopback address, and samples the block
// profile (one event per 10 µs blocked) and the mutex profile (one
// contention in 5) until the returned stop.
func ServePprof(addr string) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof %q: want host:port", addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--pprof %q: the host must be loopback", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	runtime.SetBlockProfileRate(10_000) // one sample per 10 µs blocked
	runtime.SetMutexProfileFraction(5)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		_ = srv.Close()
		runtime.SetBlockProfileRate(0)
		runtime.SetMutexProfileFraction(0)
	}, nil
}

// StartProfiling starts what `assay devnet`'s profiling flags ask for: a
// CPU profile written to cpuPath and the pprof handlers on pprofAddr
// (ServePprof), each only when its argument is not "". stop ends both.
func StartProfiling(cpuPath, pprofAddr string) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range slices.Backward(stops) {
			s()
		}
	}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			if f != nil {
				f.Close()
			}
			return stop, fmt.Errorf("cpu profile: %w", err)
		}
		stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
	}
	if pprofAddr != "" {
		s, err := ServePprof(pprofAddr)
		if err != nil {
			stop()
			return func() {}, fmt.Errorf("pprof: %w", err)
		}
		stops = append(stops, s)
	}
	return stop, nil
}
