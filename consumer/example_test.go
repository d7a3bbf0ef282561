package consumer_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log"

	"github.com/assaynet/assay/consumer"
)

// ExampleVerifier_Verify verifies round 1234 of source btc-usd and its
// bytes from untrusted nodes and an untrusted gateway. The trust root
// (a header height and hash) comes from a source you trust: your own
// node, a friend, a website; `assay devnet` prints one.
func ExampleVerifier_Verify() {
	hash, _ := hex.DecodeString("4A59C8546F6FF98CB22DE662DD2FCA3A75CDEBB3FE9EE288331ACF4DB4A2DFEA")
	v, err := consumer.NewVerifier(consumer.Options{
		Nodes:       []string{"tcp://127.0.0.1:26657", "tcp://127.0.0.1:26667"}, // primary, witness
		TrustHeight: 2, TrustHash: hash,
		Gateway: "http://127.0.0.1:26659",
	})
	if err != nil {
		log.Fatal(err)
	}
	d, err := v.Verify(context.Background(), "btc-usd", 1234)
	switch {
	case errors.Is(err, consumer.ErrAbsent):
		fmt.Println("no such dataset (proven)")
	case errors.Is(err, consumer.ErrUnavailable):
		fmt.Println("could not check:", err)
	case err != nil: // ErrHeader, ErrProof, ErrRecord or ErrBytes: someone lied
		fmt.Println("REJECTED:", err)
	default:
		fmt.Printf("%s %s: %d verified bytes\n", d.Status, d.OutputCID, len(d.Bytes))
	}
}
