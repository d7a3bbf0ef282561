package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	cid "github.com/ipfs/go-cid"

	"github.com/assaynet/assay/runtime/pin"
)

// maxDatasetBytes caps what `dataset get` downloads.
const maxDatasetBytes = 1 << 30

func runDatasetGet(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("assay dataset get", stderr)
	gw := fs.String("gateway", envOr("ASSAY_GATEWAY", defaultGateway), "a node's gateway URL ($ASSAY_GATEWAY)")
	home := fs.String("home", "", "read from this node home's pin store instead of a gateway")
	out := fs.String("o", "", "write to FILE instead of stdout")
	car := fs.Bool("car", false, "fetch a CAR (trustless) instead of the plain bytes")
	if parseArgs(fs, args) != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: assay dataset get CID [-o FILE] [--car] [--gateway URL | --home DIR]")
		return 2
	}
	if *home != "" && flagSet(fs.Visit, "gateway") {
		fmt.Fprintln(stderr, "assay dataset get: use --home or --gateway, not both")
		return 2
	}
	id, err := cid.Decode(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: bad CID %q: %v\n", fs.Arg(0), err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var b []byte
	if *home != "" {
		b, err = homeGet(ctx, *home, id, *car, stderr)
	} else {
		b, err = gatewayGet(ctx, *gw, id, *car)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: %v\n", err)
		return 1
	}
	if *out == "" {
		_, err = stdout.Write(b)
	} else {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset get: %v\n", err)
		return 1
	}
	return 0
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(visit func(func(*flag.Flag)), name string) bool {
	found := false
	visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// gatewayGet downloads id from gateway gw; plain bytes are checked
// against the CID (re-imported the way the node pinned them).
func gatewayGet(ctx context.Context, gw string, id cid.Cid, car bool) ([]byte, error) {
	u := strings.TrimRight(gw, "/") + "/ipfs/" + id.String()
	if car {
		u += "?format=car"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("gateway unreachable: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDatasetBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d: %s", u, resp.StatusCode, bytes.TrimSpace(b[:min(len(b), 200)]))
	}
	if len(b) > maxDatasetBytes {
		return nil, fmt.Errorf("%s: more than %d bytes", u, maxDatasetBytes)
	}
	if !car && id.Version() == 1 {
		got, err := pin.SumBytes(b)
		if err != nil {
			return nil, err
		}
		if !got.Equals(id) {
			return nil, fmt.Errorf("gateway %s returned bytes of %s, not %s", gw, got, id)
		}
	}
	return b, nil
}
