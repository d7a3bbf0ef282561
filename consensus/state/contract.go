package state

import (
	"encoding/hex"
	"net/url"
	"strconv"
)

// The chain's contract with its clients: query paths, event types and
// attribute keys (docs/protocol.md sections 3 and 6), declared here once.
// The worker, the CLI and the devnet build paths and read events with
// these names; the answers decode into the *View types (query.go,
// decode.go) and failures carry the result codes of codes.go.

// Query paths without arguments.
const (
	PathParams     = "/params"
	PathValidators = "/validators"
	PathSources    = "/sources"
	PathEvidence   = "/evidence"
)

// PathSource is the query path of source id.
func PathSource(id string) string { return "/source/" + url.PathEscape(id) }

// PathCode is the query path of stored code cid.
func PathCode(cid string) string { return "/code/" + url.PathEscape(cid) }

// PathRound is the query path of round (source, height).
func PathRound(source string, height uint64) string {
	return "/round/" + url.PathEscape(source) + "/" + strconv.FormatUint(height, 10)
}

// PathRounds is the query path of a page of a source's rounds, newest
// first (From, To, Limit and Cursor of o apply).
func PathRounds(source string, o ListOptions) string {
	return "/rounds/" + url.PathEscape(source) + o.Encode()
}

// PathDatasets is the query path of a page of a source's datasets in
// resolution order, newest first (every field of o applies).
func PathDatasets(source string, o ListOptions) string {
	return "/datasets/" + url.PathEscape(source) + o.Encode()
}

// PathLatestDataset is the query path of a source's dataset of the
// highest round, of status status when it is not "".
func PathLatestDataset(source, status string) string {
	return "/datasets/" + url.PathEscape(source) + "/" + LatestSuffix + ListOptions{Status: status}.Encode()
}

// PathSourcesPage and PathEvidencePage are PathSources and PathEvidence
// with list options (Limit and Cursor; evidence also FromHeight and
// ToHeight).
func PathSourcesPage(o ListOptions) string  { return PathSources + o.Encode() }
func PathEvidencePage(o ListOptions) string { return PathEvidence + o.Encode() }

// PathAssigned is the query path of the open rounds that list operator.
func PathAssigned(operator []byte) string { return "/assigned/" + hex.EncodeToString(operator) }

// PathAssignedRecords is the query path of the same rounds as PathAssigned,
// as protobuf records (DecodeRecords reads the answer).
func PathAssignedRecords(operator []byte) string {
	return "/assigned_records/" + hex.EncodeToString(operator)
}

// PathAccount is the query path of account address (its next sequence).
func PathAccount(address []byte) string { return "/account/" + hex.EncodeToString(address) }

// Event types: block-level events (FinalizeBlock) and tx events.
const (
	EventAssign         = "assign"       // a round opened: source, round, commit_end, assignees
	EventRevealPhase    = "reveal_phase" // a round entered its reveal phase: source, round, reveal_start, reveal_end
	EventRoundClosed    = "round_closed" // a round closed: source, round, phase, status, output_cid
	EventPenalty        = "penalty"      // operator, kind, slashed, stake, jailed_until
	EventTx             = "tx"           // every tx that passed its checks: kind, signer, sequence
	EventStoreCode      = "store_code"   // code_cid, size
	EventRegisterSource = "register_source"
	EventUpdateSource   = "update_source"
	EventRetireSource   = "retire_source"
	EventCommit         = "commit" // one per batch entry: source, round, result
	EventReveal         = "reveal" // one per batch entry: source, round, result
	EventUnjail         = "unjail" // operator
	EventSeed           = "seed"   // first block event: seed, vrf_output, proposer
)

// Indexed reports whether the attributes of events of type typ are
// marked for CometBFT's kv indexer (block_search, tx_search). The events
// a block has one of per round or per batch entry (assign, reveal_phase,
// round_closed, commit, reveal) and the seed are not: at 5,000 sources
// they are ~4,500 events a block, and indexing them was a large part of
// each node's disk writes and compaction. Subscriptions and block
// results carry every event either way.
func Indexed(typ string) bool {
	switch typ {
	case EventAssign, EventRevealPhase, EventRoundClosed, EventCommit, EventReveal, EventSeed:
		return false
	}
	return true
}

// Event attribute keys.
const (
	AttrSource      = "source"
	AttrSeed        = "seed"       // hex, 32 bytes: the block's assignment seed
	AttrVRFOutput   = "vrf_output" // hex, 64 bytes: the proposer's VRF output
	AttrProposer    = "proposer"   // hex operator address
	AttrRound       = "round"
	AttrCommitEnd   = "commit_end"
	AttrAssignees   = "assignees" // hex operators, comma-separated, in pick order
	AttrRevealStart = "reveal_start"
	AttrRevealEnd   = "reveal_end"
	AttrPhase       = "phase" // a pb.Phase name, e.g. PHASE_RESOLVED
	AttrStatus      = "status"
	AttrOutputCID   = "output_cid"
	AttrOperator    = "operator"
	AttrKind        = "kind"
	AttrSlashed     = "slashed"
	AttrStake       = "stake"
	AttrJailedUntil = "jailed_until"
	AttrSigner      = "signer"
	AttrSequence    = "sequence"
	AttrCodeCID     = "code_cid"
	AttrSize        = "size"
	AttrOwner       = "owner"
	AttrStart       = "start"
	AttrResult      = "result" // OutcomeOK, OutcomeMismatch or "error: " + the entry's error
)
