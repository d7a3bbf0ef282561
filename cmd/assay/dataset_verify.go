package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/dataset"
	"github.com/assaynet/assay/internal/trustroot"
)

// addTrustFlags defines --node and the trust-root flags (shared by
// dataset verify, get --verify and replay).
func addTrustFlags(fs *flag.FlagSet) *trustroot.Flags {
	return trustroot.Add(fs, addClientFlags(fs, false).node)
}

// runDatasetVerify is `assay dataset verify SOURCE ROUND`: flags and
// output over consumer.Verifier; exit codes trustroot.Exit*.
func runDatasetVerify(c *cmd, args []string) int {
	tf := addTrustFlags(c.fs)
	gw := c.fs.String("gateway", "", "also download the output from this (untrusted) gateway URL and check it")
	out := c.fs.String("o", "", "with --gateway, write the verified bytes to FILE")
	asJSON := c.fs.Bool("json", false, "print the result as JSON")
	const use = "usage: assay dataset verify SOURCE ROUND (--trust-height H --trust-hash HEX | --genesis FILE) [--node ADDR[,WITNESS…]] [--gateway URL [-o FILE]] [--json]"
	if !c.parse(args, 2, use) {
		return trustroot.ExitUsage
	}
	round, err := strconv.ParseUint(c.fs.Arg(1), 10, 64)
	if err != nil {
		return c.failf(trustroot.ExitUsage, "round %q is not a number\n%s", c.fs.Arg(1), use)
	}
	d, code := verify(tf, *gw, c.fs.Arg(0), round, "", *asJSON, c.stdout, c.stderr)
	if code == trustroot.ExitVerified && *out != "" && d.Bytes != nil {
		if err := dataset.WriteFile(*out, d.Bytes); err != nil {
			return c.fail(trustroot.ExitUnavailable, err)
		}
	}
	return code
}

// verify runs one verification (of wantCID, when not "") and prints its
// outcome; it returns the dataset and the exit code.
func verify(tf *trustroot.Flags, gateway, source string, round uint64, wantCID string, asJSON bool, stdout, stderr io.Writer) (*consumer.Dataset, int) {
	o, err := tf.Options(gateway)
	var v *consumer.Verifier
	if err == nil {
		v, err = consumer.NewVerifier(o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: %v\n", err)
		return nil, trustroot.ExitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	var d *consumer.Dataset
	if wantCID != "" {
		d, err = v.VerifyCID(ctx, source, round, wantCID)
	} else {
		d, err = v.Verify(ctx, source, round)
	}
	if asJSON {
		trustroot.WriteJSON(stdout, d, err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "assay dataset verify: NOT VERIFIED: %v\n", err)
		return d, trustroot.ExitCode(err)
	}
	if !asJSON {
		d.WriteText(stdout, o)
	}
	return d, trustroot.ExitVerified
}

// getVerified is `assay dataset get CID --verify`: the bytes of CID from
// the gateway, proven to be the output of source's round. It writes them
// to out (stdout when "") and what it verified to stderr.
func getVerified(c *cmd, tf *trustroot.Flags, gateway, source string, round uint64, id, out string) int {
	if source == "" || round == 0 {
		return c.failf(trustroot.ExitUsage, "--verify needs --source and --round: the dataset whose proven output is CID")
	}
	d, code := verify(tf, gateway, source, round, id, false, c.stderr, c.stderr)
	if code != trustroot.ExitVerified {
		return code
	}
	if err := writeOut(c.stdout, out, d.Bytes); err != nil {
		return c.fail(trustroot.ExitUnavailable, err)
	}
	return trustroot.ExitVerified
}

// writeOut writes b to the file out, or to stdout when out is "".
func writeOut(stdout io.Writer, out string, b []byte) error {
	if out == "" {
		_, err := stdout.Write(b)
		return err
	}
	return dataset.WriteFile(out, b)
}
