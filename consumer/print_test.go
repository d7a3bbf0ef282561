package consumer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/assaynet/assay/consensus/state"
)

var printed = state.DatasetView{Source: "eth-usd", Round: 12, Status: "ACCEPTED", OutputCID: "bafyout",
	Attesters: []string{"aa", "bb"}, GasUsed: 777, Height: 15, Time: "2024-01-02T03:04:05Z"}

// TestDatasetWriteText: the verified report names each fact checked; the
// trust root is the trust height, or the genesis; bytes only with a
// gateway.
func TestDatasetWriteText(t *testing.T) {
	d := &Dataset{DatasetView: printed, Proof: Proof{StateHeight: 15, HeaderHeight: 16, HeaderHash: "HH", AppHash: "AH", Key: "KK", ChainID: "c1"}}
	const head = "verified eth-usd round 12: ACCEPTED bafyout\n" +
		"  header  16 (HH) of chain c1, light-client verified from %s (%d node(s))\n" +
		"  proof   ics23:iavl of key KK against app hash AH (state after block 15)\n" +
		"  record  resolved at height 15 (2024-01-02T03:04:05Z), 2 attester(s), gas 777\n"
	withBytes := *d
	withBytes.Bytes, withBytes.Gateway = []byte("abc"), "http://gw"
	tests := []struct {
		name string
		d    *Dataset
		o    Options
		want string
	}{
		{"trust height", d, Options{TrustHeight: 2, Nodes: []string{"a", "b"}}, fmt.Sprintf(head, "trust height 2", 2)},
		{"genesis", d, Options{Genesis: []byte("{}"), Nodes: []string{"a"}}, fmt.Sprintf(head, "the genesis validators' signatures on block 1", 1)},
		{"bytes", &withBytes, Options{TrustHeight: 2, Nodes: []string{"a"}},
			fmt.Sprintf(head, "trust height 2", 1) + "  bytes   3 bytes from http://gw match bafyout\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			tt.d.WriteText(&b, tt.o)
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

// TestWriteDatasets: a header, one aligned line per dataset, and the
// next cursor only when the page is truncated.
func TestWriteDatasets(t *testing.T) {
	const table = "ROUND  HEIGHT  TIME                  STATUS    OUTPUT CID  ATTESTERS\n" +
		"12     15      2024-01-02T03:04:05Z  ACCEPTED  bafyout     2\n"
	tests := []struct {
		name string
		p    state.Page[state.DatasetView]
		want string
	}{
		{"empty", state.Page[state.DatasetView]{}, "ROUND  HEIGHT  TIME  STATUS  OUTPUT CID  ATTESTERS\n"},
		{"one", state.Page[state.DatasetView]{Items: []state.DatasetView{printed}}, table},
		{"truncated", state.Page[state.DatasetView]{Items: []state.DatasetView{printed}, Next: "15.12", Truncated: true}, table + "more: --cursor 15.12\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteDatasets(&b, tt.p); err != nil || b.String() != tt.want {
				t.Errorf("got %v\n%q\nwant\n%q", err, b.String(), tt.want)
			}
		})
	}
}

// TestWatchEventString: key=value pairs ending with the cursor.
func TestWatchEventString(t *testing.T) {
	got := WatchEvent{Dataset: printed, Cursor: "15.12"}.String()
	want := "round=12 height=15 time=2024-01-02T03:04:05Z status=ACCEPTED output=bafyout attesters=2 cursor=15.12"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestWatchEventWrite(t *testing.T) {
	ev := WatchEvent{Dataset: printed, Cursor: "15.12"}
	for _, asJSON := range []bool{false, true} {
		var b strings.Builder
		if err := ev.Write(&b, asJSON); err != nil {
			t.Fatal(err)
		}
		want := ev.String() + "\n"
		if asJSON {
			j, _ := json.Marshal(printed)
			want = string(j) + "\n"
		}
		if b.String() != want {
			t.Errorf("asJSON %v: got %q, want %q", asJSON, b.String(), want)
		}
	}
}
