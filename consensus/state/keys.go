package state

import "encoding/binary"

// Key prefixes of the committed state (docs/protocol.md section 4).
const (
	prefixMeta      = "m"
	prefixParams    = "p"
	prefixValidator = "v/" // + operator (20 bytes)
	prefixAccount   = "a/" // + address (20 bytes)
	prefixAllow     = "l/" // + address: may store code and register sources
	prefixCode      = "c/" // + code CID string
	prefixSource    = "s/" // + source id
	prefixRound     = "r/" // + uint64be(height) + source id: round records by height, so a block's writes are near each other
	prefixRoundIdx  = "q/" // + source id + "/" + uint64be(height): rounds per source (value indexValue)
	prefixDataset   = "d/" // + uint64be(round) + source id
	prefixResolved  = "h/" // + source id + "/" + uint64be(height) + uint64be(round): datasets in resolution order (value indexValue)
	prefixEvidence  = "e/" // + uint64be(id)
	prefixOpen      = "o/" // + operator + uint64be(height) + source id: open rounds per assignee
	prefixBeacon    = "b"  // the seed chain's head (pb.Beacon)
	prefixRetrieval = "n/" // + operator: the node's retrieval addresses (pb.Retrieval)
)

func keyMeta() []byte               { return []byte(prefixMeta) }
func keyParams() []byte             { return []byte(prefixParams) }
func keyBeacon() []byte             { return []byte(prefixBeacon) }
func keyValidator(op []byte) []byte { return append([]byte(prefixValidator), op...) }
func keyAccount(a []byte) []byte    { return append([]byte(prefixAccount), a...) }
func keyAllow(a []byte) []byte      { return append([]byte(prefixAllow), a...) }
func keyCode(cid string) []byte     { return []byte(prefixCode + cid) }
func keySource(id string) []byte    { return []byte(prefixSource + id) }
func keyRetrieval(op []byte) []byte { return append([]byte(prefixRetrieval), op...) }

// keyRound is a round's record: height first, so that the rounds a block
// opens, commits to and reveals in, all of the last few heights, sit in
// one corner of the state tree rather than one per source (the tree's
// node cache then holds their paths).
func keyRound(id string, h uint64) []byte {
	return append(binary.BigEndian.AppendUint64([]byte(prefixRound), h), id...)
}

// keyRoundIndex lists a source's rounds by height (written once, when the
// round opens).
func keyRoundIndex(id string, h uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixRoundIdx+id+"/"), h)
}

// keyDataset is a round's dataset, round first like keyRound: a block's
// resolutions are rounds of its last few heights.
func keyDataset(id string, round uint64) []byte {
	return append(binary.BigEndian.AppendUint64([]byte(prefixDataset), round), id...)
}

func keyResolved(id string, height, round uint64) []byte {
	k := binary.BigEndian.AppendUint64([]byte(prefixResolved+id+"/"), height)
	return binary.BigEndian.AppendUint64(k, round)
}

func keyEvidence(id uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(prefixEvidence), id)
}

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func keyOpen(op []byte, id string, h uint64) []byte {
	k := append([]byte(prefixOpen), op...)
	return append(binary.BigEndian.AppendUint64(k, h), id...)
}

// indexValue is the value of an index entry (h/, o/, q/): a key whose
// presence is the information. It is not empty because ICS-23 refuses a
// leaf with an empty value, which would leave the entry, and the absence
// of any key next to it, unprovable.
var indexValue = []byte{1}
