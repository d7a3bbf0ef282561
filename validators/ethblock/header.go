package main

import (
	"encoding/hex"
	"strings"

	"github.com/assaynet/assay/sdk/assay"
)

// kind says how a header field is encoded.
type kind uint8

const (
	kindData     kind = iota // fixed-size bytes
	kindQuantity             // unsigned integer, minimal big-endian
	kindBytes                // variable-size bytes (extraData)
)

// fieldSpec is one header field in RLP order.
type fieldSpec struct {
	name string
	kind kind
	size int // bytes for kindData; max bytes for kindQuantity/kindBytes
}

// firstOptional is the index of the first field added by a fork.
const firstOptional = 15

// fields is the header layout through Prague (EIP-7685).
var fields = []fieldSpec{
	{"parentHash", kindData, 32},
	{"sha3Uncles", kindData, 32},
	{"miner", kindData, 20},
	{"stateRoot", kindData, 32},
	{"transactionsRoot", kindData, 32},
	{"receiptsRoot", kindData, 32},
	{"logsBloom", kindData, 256},
	{"difficulty", kindQuantity, 32},
	{"number", kindQuantity, 8},
	{"gasLimit", kindQuantity, 8},
	{"gasUsed", kindQuantity, 8},
	{"timestamp", kindQuantity, 8},
	{"extraData", kindBytes, 1024},
	{"mixHash", kindData, 32},
	{"nonce", kindData, 8},
	{"baseFeePerGas", kindQuantity, 32},     // London
	{"withdrawalsRoot", kindData, 32},       // Shanghai
	{"blobGasUsed", kindQuantity, 8},        // Cancun
	{"excessBlobGas", kindQuantity, 8},      // Cancun
	{"parentBeaconBlockRoot", kindData, 32}, // Cancun
	{"requestsHash", kindData, 32},          // Prague
}

// header holds the RLP byte strings of the fields present, in order.
type header [][]byte

// checkValue checks one field's bytes against its spec.
func (f fieldSpec) checkValue(b []byte) error {
	switch f.kind {
	case kindData:
		if len(b) != f.size {
			return assay.Reject("%s: %d bytes, want %d", f.name, len(b), f.size)
		}
	case kindQuantity:
		if len(b) > f.size {
			return assay.Reject("%s: %d bytes exceeds %d", f.name, len(b), f.size)
		}
		if len(b) > 0 && b[0] == 0 {
			return assay.Reject("%s: quantity has a leading zero byte", f.name)
		}
	case kindBytes:
		if len(b) > f.size {
			return assay.Reject("%s: %d bytes exceeds %d", f.name, len(b), f.size)
		}
	}
	return nil
}

// format prints a field value as eth_getBlockByNumber does.
func (f fieldSpec) format(b []byte) string {
	if f.kind != kindQuantity {
		return "0x" + hex.EncodeToString(b)
	}
	s := strings.TrimLeft(hex.EncodeToString(b), "0")
	if s == "" {
		return "0x0"
	}
	return "0x" + s
}

// parseHex reads a field from its JSON text.
func (f fieldSpec) parseHex(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return nil, assay.Reject("%s: %q lacks the 0x prefix", f.name, clip(s))
	}
	digits := s[2:]
	if f.kind == kindQuantity {
		if digits == "" {
			return nil, assay.Reject("%s: empty quantity", f.name)
		}
		digits = strings.TrimLeft(digits, "0")
		if len(digits)%2 == 1 {
			digits = "0" + digits
		}
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, assay.Reject("%s: %q is not hex", f.name, clip(s))
	}
	return b, f.checkValue(b)
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
