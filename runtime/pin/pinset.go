package pin

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	ipld "github.com/ipfs/go-ipld-format"
)

// pinSetPrefix is where the pin database keeps the pins: one record per
// (root, name), pinSetPrefix + "/" + the root's CID string + "/n" + the
// name in hex (any name, even an empty one or one with slashes, makes a
// clean key), holding nothing.
const pinSetPrefix = "/assay-pinned"

// pinSetV1Prefix is where the first pin set kept one record per root
// (the root's CID string, holding the pin's name); openPins moves those
// pins (migrateOldPins).
const pinSetV1Prefix = "/assay-pins"

// dspinnerPrefix is where boxo's dspinner kept its state, which stores
// from before the pin set held; openPins moves those pins too.
const dspinnerPrefix = "/pins"

// pinSet is the store's recursive pins, one record per (root, name) in
// the pin database. It replaces boxo's dspinner, which wrote about eight
// records and ran two index queries for each pin (a pin record, a CID and
// a name index, and a dirty flag around each change): at 5,000 sources on
// the devnet that was about 10 % of the process's CPU, two pins per job.
//
// A root may hold several names, and stays pinned while any of them does:
// the worker pins a round's input and output under their own names, and
// when both are the same bytes (or one round's output is a later round's
// input, or two sources give the same dataset) each name is kept and
// unpinned by itself. With one name per root, the last name given
// replaced the others, and retention's unpinning of that name dropped
// content another name still needed.
//
// A pin is one Put; writes go straight to the database, so there is
// nothing to flush; a store opened with OpenDeferredSync makes them
// durable with Store.Sync.
type pinSet struct {
	d ds.Batching
}

// rootPrefix is the prefix of every record of root c.
func rootPrefix(c cid.Cid) string { return pinSetPrefix + "/" + c.String() }

func pinKey(c cid.Cid, name string) ds.Key {
	return ds.RawKey(rootPrefix(c) + "/n" + hex.EncodeToString([]byte(name)))
}

// parsePinKey reads a pin set key back into its pin.
func parsePinKey(k string) (Pinned, error) {
	rest, ok := strings.CutPrefix(k, pinSetPrefix+"/")
	cs, hexName, ok2 := strings.Cut(rest, "/n")
	if !ok || !ok2 {
		return Pinned{}, fmt.Errorf("pin: bad pin record %q", k)
	}
	c, err := cid.Decode(cs)
	if err != nil {
		return Pinned{}, fmt.Errorf("pin: bad pin record %q: %w", k, err)
	}
	name, err := hex.DecodeString(hexName)
	if err != nil {
		return Pinned{}, fmt.Errorf("pin: bad pin record %q: %w", k, err)
	}
	return Pinned{Cid: c, Name: string(name)}, nil
}

// add pins c under name; c keeps its other names.
func (p pinSet) add(ctx context.Context, c cid.Cid, name string) error {
	return p.d.Put(ctx, pinKey(c, name), nil)
}

// has reports whether c is pinned under any name.
func (p pinSet) has(ctx context.Context, c cid.Cid) (bool, error) {
	ks, err := keysUnder(ctx, p.d, rootPrefix(c), 1)
	return len(ks) > 0, err
}

// remove unpins c under every name, in one batch, returning an error
// matching ErrNotPinned when it was not pinned.
func (p pinSet) remove(ctx context.Context, c cid.Cid) error {
	ks, err := keysUnder(ctx, p.d, rootPrefix(c), 0)
	if err != nil {
		return err
	}
	if len(ks) == 0 {
		return fmt.Errorf("%w: %s", ErrNotPinned, c)
	}
	b, err := p.d.Batch(ctx)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if err := b.Delete(ctx, k); err != nil {
			return err
		}
	}
	return b.Commit(ctx)
}

// removeName removes the pin of c under name (c stays pinned under its
// other names), returning an error matching ErrNotPinned when there was
// no such pin.
func (p pinSet) removeName(ctx context.Context, c cid.Cid, name string) error {
	k := pinKey(c, name)
	ok, err := p.d.Has(ctx, k)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s as %q", ErrNotPinned, c, name)
	}
	return p.d.Delete(ctx, k)
}

// list returns every pin, sorted by CID string, then name.
func (p pinSet) list(ctx context.Context) ([]Pinned, error) {
	ks, err := keysUnder(ctx, p.d, pinSetPrefix, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Pinned, 0, len(ks))
	for _, k := range ks {
		pn, err := parsePinKey(k.String())
		if err != nil {
			return nil, err
		}
		out = append(out, pn)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].Cid.String(), out[j].Cid.String(); a != b {
			return a < b
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// migrateOldPins moves the pins of the two earlier layouts into the pin
// set: the first pin set's (one record per root) and boxo's dspinner's.
// It returns how many it moved of each.
func migrateOldPins(ctx context.Context, d ds.Batching, dag ipld.DAGService) (v1, dsp int, err error) {
	if v1, err = migrateV1PinSet(ctx, d); err != nil {
		return 0, 0, err
	}
	dsp, err = migrateDSPinner(ctx, d, dag)
	return v1, dsp, err
}

// migrateV1PinSet moves the first pin set's records (pinSetV1Prefix +
// "/" + CID string, holding the name) into the pin set and deletes them,
// in one atomic batch: a crash leaves either layout whole. A store
// without such records costs one key lookup.
func migrateV1PinSet(ctx context.Context, d ds.Batching) (int, error) {
	old, err := keysUnder(ctx, d, pinSetV1Prefix, 1)
	if err != nil || len(old) == 0 {
		return 0, err
	}
	res, err := d.Query(ctx, dsq.Query{Prefix: pinSetV1Prefix})
	if err != nil {
		return 0, err
	}
	defer res.Close()
	b, err := d.Batch(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for e := range res.Next() {
		if e.Error != nil {
			return 0, e.Error
		}
		c, err := cid.Decode(ds.RawKey(e.Key).BaseNamespace())
		if err != nil {
			return 0, fmt.Errorf("pin: bad pin record %q: %w", e.Key, err)
		}
		if err := b.Put(ctx, pinKey(c, string(e.Value)), nil); err != nil {
			return 0, err
		}
		if err := b.Delete(ctx, ds.RawKey(e.Key)); err != nil {
			return 0, err
		}
		n++
	}
	return n, b.Commit(ctx)
}

// migrateDSPinner moves the recursive pins that boxo's dspinner kept in
// d (stores written before pinSet) into the pin set, names and all, and
// deletes dspinner's records, in one atomic batch: a crash leaves either
// the old records (moved again at the next open) or the new ones. It
// returns how many pins it moved; a store without dspinner records costs
// one key lookup.
func migrateDSPinner(ctx context.Context, d ds.Batching, dag ipld.DAGService) (int, error) {
	old, err := keysUnder(ctx, d, dspinnerPrefix, 1)
	if err != nil || len(old) == 0 {
		return 0, err
	}
	pn, err := dspinner.New(ctx, d, dag)
	if err != nil {
		return 0, fmt.Errorf("open the old pinner: %w", err)
	}
	defer pn.Close()
	b, err := d.Batch(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for sp := range pn.RecursiveKeys(ctx, true) {
		if sp.Err != nil {
			return 0, fmt.Errorf("list the old pins: %w", sp.Err)
		}
		if err := b.Put(ctx, pinKey(sp.Pin.Key, sp.Pin.Name), nil); err != nil {
			return 0, err
		}
		n++
	}
	// all of them, after dspinner.New (which may have rebuilt its indexes)
	if old, err = keysUnder(ctx, d, dspinnerPrefix, 0); err != nil {
		return 0, err
	}
	for _, k := range old {
		if err := b.Delete(ctx, k); err != nil {
			return 0, err
		}
	}
	return n, b.Commit(ctx)
}

// keysUnder lists the keys of d under prefix, at most limit of them
// (0: all).
func keysUnder(ctx context.Context, d ds.Batching, prefix string, limit int) ([]ds.Key, error) {
	res, err := d.Query(ctx, dsq.Query{Prefix: prefix, KeysOnly: true, Limit: limit})
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var out []ds.Key
	for e := range res.Next() {
		if e.Error != nil {
			return nil, e.Error
		}
		out = append(out, ds.RawKey(e.Key))
	}
	return out, nil
}
