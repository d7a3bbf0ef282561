package state

// Block is one decided block, as FinalizeBlock receives it.
type Block struct {
	Height uint64
	// Proposer is the consensus address of the block's proposer (first 20
	// bytes of SHA-256 of its consensus key).
	Proposer []byte
	// Txs are the block's txs: the first is the proposer's VRF tx
	// (consensus/seed), the rest are user txs.
	Txs         [][]byte
	Misbehavior []Misbehavior
	// Time is the block's time (CometBFT's header time, the same on every
	// node) in unix nanoseconds; datasets the block resolves record it.
	Time int64
}

// Misbehavior is a CometBFT evidence item.
type Misbehavior struct {
	ConsensusAddress []byte // first 20 bytes of SHA-256(consensus pubkey)
	Height           uint64
	DuplicateVote    bool // false: light client attack (ignored)
}

// Event is an ABCI event.
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one event attribute.
type Attr struct {
	Key, Value string
}

// TxResult is the outcome of one tx.
type TxResult struct {
	Code   Code
	Log    string
	Events []Event
}

// ValidatorUpdate is a CometBFT voting power change; power 0 removes.
type ValidatorUpdate struct {
	PubKey []byte // ed25519, 32 bytes
	Power  int64
}

// BlockResult is what FinalizeBlock returns.
type BlockResult struct {
	TxResults []TxResult
	Events    []Event
	Updates   []ValidatorUpdate // at most one per key
	AppHash   []byte
}
