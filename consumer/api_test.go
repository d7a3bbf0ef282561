package consumer_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/assaynet/assay/consensus/state"
	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/apitest"
)

// TestClientReadsNode: against a running node, Latest is the dataset of
// the highest round, Dataset(round) the same record, a page is newest
// first with a working cursor, and unknown ids match state.ErrNotFound.
func TestClientReadsNode(t *testing.T) {
	_, c, _ := apitest.StartClient(t, 0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var p state.Page[state.DatasetView]
	var err error
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for len(p.Items) < 3 {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for datasets: %v", ctx.Err())
		case <-tick.C:
		}
		if p, err = c.Datasets(ctx, apitest.Source, state.ListOptions{Limit: 2, ToHeight: 1 << 40}); err != nil && !errors.Is(err, state.ErrNotFound) {
			t.Fatal(err)
		}
		if p.Truncated {
			next, err := c.Datasets(ctx, apitest.Source, state.ListOptions{Limit: 2, ToHeight: 1 << 40, Cursor: p.Next})
			if err != nil {
				t.Fatal(err)
			}
			p.Items = append(p.Items, next.Items...)
		}
	}
	for i := 1; i < len(p.Items); i++ {
		a, b := p.Items[i-1], p.Items[i]
		if a.Height < b.Height || (a.Height == b.Height && a.Round <= b.Round) {
			t.Fatalf("page not newest first: %d.%d before %d.%d", a.Height, a.Round, b.Height, b.Round)
		}
	}
	latest, err := c.Latest(ctx, apitest.Source)
	if err != nil {
		t.Fatal(err)
	}
	if latest.Round < p.Items[0].Round || latest.Status != "ACCEPTED" || latest.Time == "" || len(latest.Attesters) != 1 || len(latest.InputCIDs) != 1 {
		t.Errorf("latest %+v: want round ≥ %d, accepted, with a time, an attester and an input", latest, p.Items[0].Round)
	}
	one, err := c.Dataset(ctx, apitest.Source, p.Items[1].Round)
	if err != nil || one.Round != p.Items[1].Round || one.OutputCID != p.Items[1].OutputCID || one.Height != p.Items[1].Height {
		t.Errorf("Dataset(%d) = %+v, %v; want %+v", p.Items[1].Round, one, err, p.Items[1])
	}
	for name, err := range map[string]error{
		"latest of unknown":  func() error { _, err := c.Latest(ctx, "nope"); return err }(),
		"unknown round":      func() error { _, err := c.Dataset(ctx, apitest.Source, 1<<40); return err }(),
		"datasets unknown":   func() error { _, err := c.Datasets(ctx, "nope", state.ListOptions{}); return err }(),
		"watch unknown":      c.Watch(ctx, "nope", "", func(consumer.WatchEvent) error { return nil }),
		"watch bad cursor":   c.Watch(ctx, apitest.Source, "x", func(consumer.WatchEvent) error { return nil }),
		"datasets bad limit": func() error { _, err := c.Datasets(ctx, apitest.Source, state.ListOptions{Limit: 5000}); return err }(),
	} {
		var ae *consumer.APIError
		want := state.ErrNotFound
		if name == "watch bad cursor" || name == "datasets bad limit" {
			want = state.ErrBadQuery
		}
		if !errors.Is(err, want) || !errors.As(err, &ae) {
			t.Errorf("%s: %v, want an *APIError matching %v", name, err, want)
		}
	}
}

// TestWatchRetriesServerErrors: a node that answers 503 (too many
// streams) or drops the connection is asked again; a 404 ends the watch.
func TestWatchRetriesServerErrors(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch calls {
		case 1:
			http.Error(w, `{"error":"busy","status":503}`, http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = w.Write([]byte("id: 7\nevent: ready\ndata: {}\n\nid: 8.5\ndata: {\"round\":5,\"height\":8}\n\n"))
		default:
			if got := r.Header.Get("Last-Event-ID"); got != "8.5" {
				t.Errorf("call %d: Last-Event-ID %q, want 8.5", calls, got)
			}
			http.Error(w, `{"error":"source gone","status":404}`, http.StatusNotFound)
		}
	}))
	defer srv.Close()
	c, err := consumer.NewClient(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = c.WithRetry(time.Millisecond, 2*time.Millisecond).Watch(context.Background(), "s", "", func(ev consumer.WatchEvent) error {
		got = append(got, ev.Cursor)
		return nil
	})
	if !errors.Is(err, state.ErrNotFound) || calls != 3 || len(got) != 1 || got[0] != "8.5" {
		t.Fatalf("err %v after %d calls, events %v; want not found after 3 calls and event 8.5", err, calls, got)
	}
}
