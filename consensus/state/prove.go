package state

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/assaynet/assay/consensus/tx"
)

// RecordKey returns the state key a proven query path names
// (docs/protocol.md section 4): params, meta, beacon,
// validator/{operator hex}, account/{address hex}, allow/{address hex},
// code/{cid}, source/{id}, round/{id}/{height}, dataset/{id}/{round},
// evidence/{id}, or key/{hex} for any key. The key need not exist: a
// proof then shows its absence.
func RecordKey(path string) ([]byte, error) {
	p := strings.TrimPrefix(path, "/")
	head, rest, _ := strings.Cut(p, "/")
	bad := func(form string) ([]byte, error) {
		return nil, fmt.Errorf("%w: %q: a proven path is %s", ErrBadQuery, path, form)
	}
	switch head {
	case "params", "meta", "beacon":
		if rest != "" {
			return bad(head)
		}
		return map[string][]byte{"params": keyParams(), "meta": keyMeta(), "beacon": keyBeacon()}[head], nil
	case "validator", "account", "allow":
		addr, err := hex.DecodeString(rest)
		if err != nil || len(addr) != tx.AddressLen {
			return bad(head + "/{20-byte hex address}")
		}
		return map[string]func([]byte) []byte{"validator": keyValidator, "account": keyAccount, "allow": keyAllow}[head](addr), nil
	case "code":
		if rest == "" || strings.Contains(rest, "/") {
			return bad("code/{cid}")
		}
		return keyCode(rest), nil
	case "source":
		if !ValidID(rest) {
			return bad("source/{id}")
		}
		return keySource(rest), nil
	case "round", "dataset":
		id, ns, _ := strings.Cut(rest, "/")
		n, err := strconv.ParseUint(ns, 10, 64)
		if !ValidID(id) || err != nil {
			return bad(head + "/{id}/{height}")
		}
		if head == "round" {
			return keyRound(id, n), nil
		}
		return keyDataset(id, n), nil
	case "evidence":
		n, err := strconv.ParseUint(rest, 10, 64)
		if err != nil {
			return bad("evidence/{id}")
		}
		return keyEvidence(n), nil
	case "key":
		k, err := hex.DecodeString(rest)
		if err != nil || len(k) == 0 {
			return bad("key/{non-empty hex key}")
		}
		return k, nil
	}
	return bad("one of params, meta, beacon, validator/, account/, allow/, code/, source/, round/, dataset/, evidence/, key/")
}
