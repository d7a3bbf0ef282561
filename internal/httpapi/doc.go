// Package httpapi is a node's HTTP read API: plain JSON under /api/v1/
// (docs/openapi.yaml), answered from the node's committed state through
// its ABCI query path (consensus/chain over the in-process client), with
// the state package's *View records and pages unchanged, and a
// server-sent-events stream of a source's new datasets that resumes from
// a cursor after a disconnect.
//
// # Example
//
//	s := httpapi.New(httpapi.Config{Chain: chain.New(localClient), Bus: eventBus})
//	go s.Follow(ctx) // wakes the streams on every new block
//	srv := &http.Server{Handler: s.Handler()}
//
// # Notes
//
// The stream keys its cursor on (resolving height, round), the order in
// which datasets are stored and never reordered (docs/protocol.md 6.1):
// an event's id is "H.R", and "H" alone means after every dataset of
// height H. A client that sends back the last id it saw (Last-Event-ID,
// or ?after=) gets every later dataset exactly once.
package httpapi
