package pin

import (
	"context"
	"fmt"
	"sort"

	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	cid "github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	ipld "github.com/ipfs/go-ipld-format"
)

// pinSetPrefix is where the pin database keeps the pins: one record per
// pinned root, pinSetPrefix + "/" + the root's CID string, holding the
// pin's name.
const pinSetPrefix = "/assay-pins"

// dspinnerPrefix is where boxo's dspinner kept its state, which stores
// from before pinSet held; openPins moves those pins (migrateDSPinner).
const dspinnerPrefix = "/pins"

// pinSet is the store's recursive pins, one record each in the pin
// database. It replaces boxo's dspinner, which wrote about eight records
// and ran two index queries for each pin (a pin record, a CID and a name
// index, and a dirty flag around each change): at 5,000 sources on the
// devnet that was about 10 % of the process's CPU, two pins per job. A
// pin here is one Put; pinning a pinned root again replaces its name.
// Writes go straight to the database, so there is nothing to flush; a
// store opened with OpenDeferredSync makes them durable with Store.Sync.
type pinSet struct {
	d ds.Batching
}

func pinKey(c cid.Cid) ds.Key { return ds.NewKey(pinSetPrefix + "/" + c.String()) }

// add pins c under name.
func (p pinSet) add(ctx context.Context, c cid.Cid, name string) error {
	return p.d.Put(ctx, pinKey(c), []byte(name))
}

// has reports whether c is pinned.
func (p pinSet) has(ctx context.Context, c cid.Cid) (bool, error) {
	return p.d.Has(ctx, pinKey(c))
}

// remove unpins c, returning an error matching ErrNotPinned when it was
// not pinned.
func (p pinSet) remove(ctx context.Context, c cid.Cid) error {
	ok, err := p.has(ctx, c)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrNotPinned, c)
	}
	return p.d.Delete(ctx, pinKey(c))
}

// list returns every pin, sorted by CID string.
func (p pinSet) list(ctx context.Context) ([]Pinned, error) {
	res, err := p.d.Query(ctx, dsq.Query{Prefix: pinSetPrefix})
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var out []Pinned
	for e := range res.Next() {
		if e.Error != nil {
			return nil, e.Error
		}
		s := ds.RawKey(e.Key).BaseNamespace()
		c, err := cid.Decode(s)
		if err != nil {
			return nil, fmt.Errorf("pin: bad pin record %q: %w", e.Key, err)
		}
		out = append(out, Pinned{Cid: c, Name: string(e.Value)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Cid.String() < out[j].Cid.String() })
	return out, nil
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
		if err := b.Put(ctx, pinKey(sp.Pin.Key), []byte(sp.Pin.Name)); err != nil {
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
