package dataset

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/assaynet/assay/runtime/pin"
)

// TestFromGatewaysSkipsLiars: a gateway that is down and one that serves
// other bytes are skipped (and noted); the first that verifies answers,
// for plain bytes and for a CAR.
func TestFromGatewaysSkipsLiars(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := pin.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("agreed dataset\n")
	id, err := s.AddPinned(ctx, bytes.NewReader(data), "d")
	if err != nil {
		t.Fatal(err)
	}
	gw, err := s.Gateway()
	if err != nil {
		t.Fatal(err)
	}
	honest := httptest.NewServer(gw)
	defer honest.Close()
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("a different dataset\n"))
	}))
	defer liar.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	for _, car := range []bool{false, true} {
		var notes []string
		b, err := FromGateways(ctx, []string{down.URL, liar.URL, honest.URL}, id, car, func(m string) { notes = append(notes, m) })
		if err != nil {
			t.Fatalf("car %v: %v", car, err)
		}
		if !car && !bytes.Equal(b, data) {
			t.Fatalf("got %q", b)
		}
		if len(notes) != 2 || !strings.Contains(notes[1], liar.URL) {
			t.Fatalf("car %v: notes %q, want the two skipped gateways", car, notes)
		}
	}
	if _, err := FromGateways(ctx, []string{liar.URL}, id, false, nil); err == nil {
		t.Fatal("only a liar: no error")
	}
}
