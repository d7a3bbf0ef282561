package state

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// CodeChecker checks a Wasm module at store time and names it. The node
// wires it to runtime/meter.Check plus runtime/pin.SumBytes.
type CodeChecker interface {
	// Check returns the CID of wasm (the uncompressed original bytes), or
	// an error if the module may not be stored. It must be deterministic.
	Check(wasm []byte) (codeCID string, err error)
}

// Config holds the rules the machine applies beyond its own code. All
// are part of the protocol's definition (consensus/rules.V1 gives them):
// Open refuses a Config that leaves one out.
type Config struct {
	// Code checks StoreCode modules.
	Code CodeChecker
	// Template validates one fetch config value.
	Template func(string) error
	// MaxStoreCodes is how many StoreCode txs one block may hold: the
	// store-time check may run a module's initializer for a good part of
	// a second, so ProcessProposal refuses a block with more and
	// OrderProposal leaves the rest for later blocks.
	MaxStoreCodes int
}

// ErrState is returned when the stored state is unreadable.
var ErrState = errors.New("state: corrupt state")

// ErrConfig is returned by Open for a Config without its rules.
var ErrConfig = errors.New("state: config lacks a protocol rule")

// Machine is the Assay state machine. It is not safe for concurrent use;
// the ABCI adapter serialises calls.
type Machine struct {
	cfg     Config
	kv      Store
	st      *overlay
	appHash []byte // of the last finalized (or committed) block
	params  *pb.Params
	meta    *pb.Meta
	beacon  *pb.Beacon      // seed chain head
	vals    []*pb.Validator // ascending operator
	sources []*pb.Source    // ascending id
	open    []*pb.Round     // open rounds, ascending (height, source)
	pending map[string]uint64
	height  uint64 // block being finalized
	time    int64  // its time, unix nanoseconds (Block.Time)
	events  []Event
}

var marshal = proto.MarshalOptions{Deterministic: true}

// Open loads the committed state from kv. A new chain has an empty kv and
// Height 0 until InitGenesis and Commit. The app hash is kv's Hash.
func Open(kv Store, cfg Config) (*Machine, error) {
	if cfg.Code == nil || cfg.Template == nil || cfg.MaxStoreCodes <= 0 {
		return nil, fmt.Errorf("%w: Code, Template and MaxStoreCodes are required (consensus/rules)", ErrConfig)
	}
	m := &Machine{cfg: cfg, kv: kv, st: newOverlay(kv), meta: &pb.Meta{}, beacon: &pb.Beacon{}, params: DefaultParams(), pending: map[string]uint64{}}
	if err := m.load(); err != nil {
		return nil, fmt.Errorf("state: open: %w", err)
	}
	if m.meta.Height > 0 {
		m.appHash = kv.Hash()
	}
	return m, nil
}

func (m *Machine) load() error {
	if err := m.getMsg(keyMeta(), m.meta); err != nil {
		return err
	}
	if err := m.getMsg(keyParams(), m.params); err != nil {
		return err
	}
	if err := m.getMsg(keyBeacon(), m.beacon); err != nil {
		return err
	}
	if err := loadAll(m.kv, prefixValidator, func() *pb.Validator { return &pb.Validator{} }, &m.vals); err != nil {
		return err
	}
	if err := loadAll(m.kv, prefixSource, func() *pb.Source { return &pb.Source{} }, &m.sources); err != nil {
		return err
	}
	// every round record is read, but only the open ones are kept: the
	// closed ones (all but a few blocks' worth) are dropped as they are
	// decoded, so memory stays with the open rounds
	err := eachRecord(m.kv, prefixRound, func() *pb.Round { return &pb.Round{} }, func(r *pb.Round) {
		if PhaseOpen(r.Phase) {
			m.open = append(m.open, r)
		}
	})
	if err != nil {
		return err
	}
	sort.SliceStable(m.open, func(i, j int) bool { return roundLess(m.open[i], m.open[j]) })
	return nil
}

// loadAll decodes every record under prefix, in key order.
func loadAll[T proto.Message](kv KV, prefix string, mk func() T, out *[]T) error {
	return eachRecord(kv, prefix, mk, func(msg T) { *out = append(*out, msg) })
}

// eachRecord decodes every record under prefix, in key order, and hands
// each to fn.
func eachRecord[T proto.Message](kv KV, prefix string, mk func() T, fn func(T)) error {
	var derr error
	err := kv.Iterate([]byte(prefix), prefixEnd([]byte(prefix)), func(k, v []byte) bool {
		msg := mk()
		if err := proto.Unmarshal(v, msg); err != nil {
			derr = fmt.Errorf("%w: %q: %w", ErrState, k, err)
			return false
		}
		fn(msg)
		return true
	})
	if err != nil {
		return err
	}
	return derr
}

func (m *Machine) getMsg(key []byte, msg proto.Message) error {
	b, err := m.st.get(key)
	if err != nil || b == nil {
		return err
	}
	if err := proto.Unmarshal(b, msg); err != nil {
		return fmt.Errorf("%w: %q: %w", ErrState, key, err)
	}
	return nil
}

func (m *Machine) put(key []byte, msg proto.Message) {
	b, err := marshal.Marshal(msg)
	if err != nil {
		panic(fmt.Sprintf("state: marshal %T: %v", msg, err)) // broken invariant
	}
	m.st.set(key, b)
}

// Height returns the last committed (or, during a block, the last
// finalized) height.
func (m *Machine) Height() uint64 { return m.meta.Height }

// AppHash returns the app hash of the last finalized block.
func (m *Machine) AppHash() []byte { return bytes.Clone(m.appHash) }

// ChainID returns the chain id set at genesis.
func (m *Machine) ChainID() string { return m.meta.ChainId }

// Params returns a copy of the chain params.
func (m *Machine) Params() *pb.Params { return proto.Clone(m.params).(*pb.Params) }

func (m *Machine) validator(op []byte) *pb.Validator {
	i := sort.Search(len(m.vals), func(i int) bool { return bytes.Compare(m.vals[i].Operator, op) >= 0 })
	if i < len(m.vals) && bytes.Equal(m.vals[i].Operator, op) {
		return m.vals[i]
	}
	return nil
}

func (m *Machine) source(id string) *pb.Source {
	i := sort.Search(len(m.sources), func(i int) bool { return m.sources[i].Id >= id })
	if i < len(m.sources) && m.sources[i].Id == id {
		return m.sources[i]
	}
	return nil
}

func (m *Machine) addSource(s *pb.Source) {
	i := sort.Search(len(m.sources), func(i int) bool { return m.sources[i].Id >= s.Id })
	m.sources = append(m.sources, nil)
	copy(m.sources[i+1:], m.sources[i:])
	m.sources[i] = s
}

func roundLess(a, b *pb.Round) bool {
	if a.Round != b.Round {
		return a.Round < b.Round
	}
	return strings.Compare(a.Source, b.Source) < 0
}

func (m *Machine) openRound(id string, h uint64) *pb.Round {
	key := &pb.Round{Source: id, Round: h}
	i := sort.Search(len(m.open), func(i int) bool { return !roundLess(m.open[i], key) })
	if i < len(m.open) && m.open[i].Round == h && m.open[i].Source == id {
		return m.open[i]
	}
	return nil
}

func (m *Machine) saveValidator(v *pb.Validator) { m.put(keyValidator(v.Operator), v) }
func (m *Machine) saveSource(s *pb.Source)       { m.put(keySource(s.Id), s) }
func (m *Machine) saveRound(r *pb.Round)         { m.put(keyRound(r.Source, r.Round), r) }

func (m *Machine) emit(typ string, kv ...string) {
	e := Event{Type: typ}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Attrs = append(e.Attrs, Attr{Key: kv[i], Value: kv[i+1]})
	}
	m.events = append(m.events, e)
}
