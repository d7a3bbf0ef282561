package consumer

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/assaynet/assay/consensus/state"
)

// WriteText writes what was verified of d under the options o, one fact
// a line: the header and its trust root, the proof, the record and, with
// a gateway, the bytes.
func (d *Dataset) WriteText(w io.Writer, o Options) {
	root := fmt.Sprintf("trust height %d", o.TrustHeight)
	if len(o.Genesis) > 0 {
		root = "the genesis validators' signatures on block 1"
	}
	fmt.Fprintf(w, "verified %s round %d: %s %s\n", d.Source, d.Round, d.Status, d.OutputCID)
	fmt.Fprintf(w, "  header  %d (%s) of chain %s, light-client verified from %s (%d node(s))\n",
		d.HeaderHeight, d.HeaderHash, d.ChainID, root, len(o.Nodes))
	fmt.Fprintf(w, "  proof   ics23:iavl of key %s against app hash %s (state after block %d)\n", d.Key, d.AppHash, d.StateHeight)
	fmt.Fprintf(w, "  record  resolved at height %d (%s), %d attester(s), gas %d\n", d.Height, d.Time, len(d.Attesters), d.GasUsed)
	if d.Bytes != nil {
		fmt.Fprintf(w, "  bytes   %d bytes from %s match %s\n", len(d.Bytes), d.Gateway, d.OutputCID)
	}
}

// WriteDatasets writes a page of datasets as a table, one dataset a
// line, then the next cursor when the page is truncated.
func WriteDatasets(w io.Writer, p state.Page[state.DatasetView]) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROUND\tHEIGHT\tTIME\tSTATUS\tOUTPUT CID\tATTESTERS")
	for _, d := range p.Items {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%d\n", d.Round, d.Height, d.Time, d.Status, d.OutputCID, len(d.Attesters))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if p.Truncated {
		_, err := fmt.Fprintf(w, "more: --cursor %s\n", p.Next)
		return err
	}
	return nil
}

// String is the event as one line of key=value pairs, ending with the
// cursor to resume after it.
func (ev WatchEvent) String() string {
	d := ev.Dataset
	return fmt.Sprintf("round=%d height=%d time=%s status=%s output=%s attesters=%d cursor=%s",
		d.Round, d.Height, d.Time, d.Status, d.OutputCID, len(d.Attesters), ev.Cursor)
}

// Write writes ev as one line to w: String's line, or with asJSON the
// dataset's JSON record (as `assay dataset watch --json` prints it).
func (ev WatchEvent) Write(w io.Writer, asJSON bool) error {
	line := ev.String()
	if asJSON {
		b, err := json.Marshal(ev.Dataset)
		if err != nil {
			return err
		}
		line = string(b)
	}
	_, err := fmt.Fprintln(w, line)
	return err
}
