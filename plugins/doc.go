// Package plugins fetches the input of a data source: with a built-in
// in-process fetcher (packages httpfetch and filefetch) or with an operator
// plugin, a separate binary that speaks the fetcher protocol over
// hashicorp/go-plugin (gRPC).
//
// Plugin authors implement Fetcher and call Serve from main:
//
//	func main() { plugins.Serve(myFetcher{}) }
//
// The node builds a Manager from the [[plugins]] tables of assay.toml (see
// LoadConfig and docs/operators.md) and calls Manager.Fetch for each job.
// The Manager starts plugins lazily, checks each binary's SHA-256 before it
// runs, enforces a per-fetch timeout, byte cap and per-plugin concurrency
// limit, restarts crashed or unresponsive plugins with backoff, sends their
// logs to the node's logger and kills them all on Close. A failed fetch
// returns a *FetchError naming the plugin and the Reason; the worker
// reports it as UNAVAILABLE. Status and WriteStatus (`assay plugin list`)
// report each plugin's state.
//
// The wire protocol (plugins/internal/proto) stays behind the Fetcher
// interface; its major version is ProtocolVersion, checked in the
// go-plugin handshake.
package plugins
