//go:build !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
	"golang.org/x/crypto/sha3"
)

// The header layouts of later forks have no mainnet vector in this
// repository (it was written offline), so these tests build headers with
// an independent RLP encoder (recursive, math/big quantities, written
// apart from rlp.go) and check that the validator program agrees on the hash.

// rlpItem is a byte string or a list.
type rlpItem struct {
	str  []byte
	list []rlpItem
	isL  bool
}

func refEncode(it rlpItem) []byte {
	if !it.isL {
		if len(it.str) == 1 && it.str[0] <= 0x7f {
			return []byte{it.str[0]}
		}
		return append(refPrefix(0x80, len(it.str)), it.str...)
	}
	var body []byte
	for _, c := range it.list {
		body = append(body, refEncode(c)...)
	}
	return append(refPrefix(0xc0, len(body)), body...)
}

func refPrefix(base int, n int) []byte {
	if n <= 55 {
		return []byte{byte(base + n)}
	}
	l := big.NewInt(int64(n)).Bytes()
	return append([]byte{byte(base + 55 + len(l))}, l...)
}

// forkHeader returns a block JSON with the first n fields of a synthetic
// header and its hash from the reference encoder.
func forkHeader(t *testing.T, n int) map[string]any {
	t.Helper()
	vals := map[string]string{
		"parentHash": "0x" + strings.Repeat("11", 32), "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
		"miner": "0x" + strings.Repeat("95", 20), "stateRoot": "0x" + strings.Repeat("22", 32),
		"transactionsRoot": "0x" + strings.Repeat("33", 32), "receiptsRoot": "0x" + strings.Repeat("44", 32),
		"logsBloom": "0x" + strings.Repeat("0f", 256), "difficulty": "0x0", "number": "0x13a5d2f",
		"gasLimit": "0x1c9c380", "gasUsed": "0xe4e1c0", "timestamp": "0x65f1b057",
		"extraData": "0x" + strings.Repeat("ab", 40), "mixHash": "0x" + strings.Repeat("55", 32),
		"nonce": "0x0000000000000000", "baseFeePerGas": "0x7", "withdrawalsRoot": "0x" + strings.Repeat("66", 32),
		"blobGasUsed": "0x60000", "excessBlobGas": "0x0", "parentBeaconBlockRoot": "0x" + strings.Repeat("77", 32),
		"requestsHash": "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}
	order := []string{"parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
		"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
		"baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash"}
	block := map[string]any{"transactions": []string{"0x" + strings.Repeat("99", 32)}, "uncles": []string{}}
	var list []rlpItem
	for _, name := range order[:n] {
		s := vals[name]
		block[name] = s
		var b []byte
		if isQuantity(name) {
			q, ok := new(big.Int).SetString(s[2:], 16)
			if !ok {
				t.Fatalf("bad quantity %s", s)
			}
			b = q.Bytes() // minimal big-endian; empty for zero
		} else {
			fmt.Sscanf(s[2:], "%x", &b)
		}
		list = append(list, rlpItem{str: b})
	}
	h := sha3.NewLegacyKeccak256()
	h.Write(refEncode(rlpItem{list: list, isL: true}))
	block["hash"] = fmt.Sprintf("0x%x", h.Sum(nil))
	return block
}

func isQuantity(name string) bool {
	switch name {
	case "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas":
		return true
	}
	return false
}

func TestForkLayouts(t *testing.T) {
	for _, tt := range []struct {
		fork string
		n    int
	}{{"frontier", 15}, {"london", 16}, {"shanghai", 17}, {"cancun", 20}, {"prague", 21}} {
		in, err := json.Marshal(forkHeader(t, tt.n))
		if err != nil {
			t.Fatal(err)
		}
		if os.Getenv("ASSAY_UPDATE") != "" {
			os.WriteFile("testdata/"+tt.fork+".input", in, 0o644)
		}
		out, err := validate(in, nil, assay.Round{})
		if err != nil {
			t.Errorf("%s: %v", tt.fork, err)
			continue
		}
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil || len(got) != tt.n+1 {
			t.Errorf("%s: output %s has %d fields, want %d (%v)", tt.fork, out, len(got), tt.n+1, err)
		}
	}
}

func TestForkFieldGap(t *testing.T) {
	b := forkHeader(t, 20)
	delete(b, "withdrawalsRoot")
	in, _ := json.Marshal(b)
	_, err := validate(in, nil, assay.Round{})
	if err == nil || err.Error() != "blobGasUsed is present but withdrawalsRoot is missing" {
		t.Fatalf("got %v", err)
	}
}
