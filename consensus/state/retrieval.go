package state

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/assaynet/assay/consensus/pb"
)

// Limits of an AnnounceRetrieval tx (docs/protocol.md section 2).
const (
	MaxGatewayURLLen = 256
	MaxMultiaddrs    = 8
	MaxMultiaddrLen  = 256
)

// PathRetrievals is the query path of every announced retrieval record,
// by operator.
const PathRetrievals = "/retrievals"

// PathRetrieval is the query path of operator's retrieval record.
func PathRetrieval(operator []byte) string { return "/retrieval/" + hex.EncodeToString(operator) }

// EventAnnounceRetrieval is the tx event of an AnnounceRetrieval:
// operator, gateway, multiaddrs (comma-separated).
const (
	EventAnnounceRetrieval = "announce_retrieval"
	AttrGateway            = "gateway"
	AttrMultiaddrs         = "multiaddrs"
)

// RetrievalView is the JSON form of a retrieval record.
type RetrievalView struct {
	Operator   string   `json:"operator"`
	Gateway    string   `json:"gateway"`
	Multiaddrs []string `json:"multiaddrs"`
	Height     uint64   `json:"height"`
}

func retrievalView(r *pb.Retrieval) RetrievalView {
	return RetrievalView{Operator: hex.EncodeToString(r.Operator), Gateway: r.Gateway, Multiaddrs: r.Multiaddrs, Height: r.Height}
}

// validateRetrieval runs the stateless checks of an AnnounceRetrieval.
func validateRetrieval(a *pb.AnnounceRetrieval) error {
	if err := validGatewayURL(a.GetGateway()); err != nil {
		return fail(CodeInvalid, "announce_retrieval: gateway %q: %v", a.GetGateway(), err)
	}
	ms := a.GetMultiaddrs()
	if len(ms) > MaxMultiaddrs {
		return fail(CodeInvalid, "announce_retrieval: %d multiaddrs, at most %d", len(ms), MaxMultiaddrs)
	}
	for i, m := range ms {
		switch {
		case len(m) == 0 || len(m) > MaxMultiaddrLen:
			return fail(CodeInvalid, "announce_retrieval: multiaddr %d: length must be in 1..%d", i, MaxMultiaddrLen)
		case m[0] != '/' || !printable(m):
			return fail(CodeInvalid, "announce_retrieval: multiaddr %q: must start with / and be printable ASCII", m)
		case !strings.Contains(m, "/p2p/"):
			return fail(CodeInvalid, "announce_retrieval: multiaddr %q: no /p2p/<peer id>", m)
		}
		for _, prev := range ms[:i] {
			if prev == m {
				return fail(CodeInvalid, "announce_retrieval: multiaddr %q repeated", m)
			}
		}
	}
	return nil
}

// validGatewayURL accepts "" or an absolute http(s) URL with a host and
// no user info, query or fragment.
func validGatewayURL(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > MaxGatewayURLLen || !printable(s) {
		return fmt.Errorf("must be at most %d printable ASCII characters", MaxGatewayURLLen)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("scheme must be http or https")
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("must be scheme://host[:port][/path] with no user, query or fragment")
	}
	return nil
}

// printable reports whether s is printable ASCII without spaces.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// announceRetrieval stores the signer's retrieval record. Only validator
// operators may announce: the records are bounded by the validator set.
func (m *Machine) announceRetrieval(signer []byte, a *pb.AnnounceRetrieval) error {
	if m.validator(signer) == nil {
		return fail(CodeUnauthorized, "%x is not a validator operator", signer)
	}
	m.put(keyRetrieval(signer), &pb.Retrieval{Operator: signer, Gateway: a.Gateway, Multiaddrs: a.Multiaddrs, Height: m.height})
	m.emit(EventAnnounceRetrieval, AttrOperator, hex.EncodeToString(signer), AttrGateway, a.Gateway, AttrMultiaddrs, strings.Join(a.Multiaddrs, ","))
	return nil
}

// queryRetrieval answers retrieval/{hex operator}.
func queryRetrieval(kv KV, op string) (any, error) {
	addr, err := hex.DecodeString(op)
	if err != nil || len(addr) != 20 {
		return nil, fmt.Errorf("%w: retrieval/{hex operator}", ErrBadQuery)
	}
	return one(kv, keyRetrieval(addr), fmt.Sprintf("retrieval addresses of operator %x", addr), &pb.Retrieval{}, func(x *pb.Retrieval) any { return retrievalView(x) })
}

// queryRetrievals answers retrievals: every record, by operator.
func queryRetrievals(kv KV) (any, error) {
	return listN(kv, prefixRetrieval, maxListRows, func(x *pb.Retrieval) any { return retrievalView(x) }, &pb.Retrieval{})
}
