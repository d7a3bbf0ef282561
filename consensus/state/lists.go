package state

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/assaynet/assay/consensus/pb"
)

// The paged list queries (docs/protocol.md section 6.1).

// LatestSuffix is the last element of the path of a source's latest
// dataset: datasets/{source}/latest.
const LatestSuffix = "latest"

// queryDatasets answers datasets/{source} (a Page of DatasetView in
// resolution order, newest first) and datasets/{source}/latest.
func queryDatasets(kv KV, rest string, q url.Values) (any, error) {
	id, sub, hasSub := strings.Cut(rest, "/")
	if !ValidID(id) || (hasSub && sub != LatestSuffix) {
		return nil, fmt.Errorf("%w: datasets/{source}[/latest], got %q", ErrBadQuery, rest)
	}
	if err := sourceExists(kv, id); err != nil {
		return nil, err
	}
	if hasSub {
		return latestDataset(kv, id, q)
	}
	lq, err := parseList(q, cursorDatasets, ParamLimit, ParamCursor, ParamFrom, ParamTo, ParamFromHeight, ParamToHeight, ParamStatus)
	if err != nil {
		return nil, err
	}
	prefix := []byte(prefixResolved + id + "/")
	// A round resolves at or after the block that opened it, so a round
	// range also bounds the resolving heights from below.
	start := u64Key(prefix, max(lq.fromH, lq.from))
	end := u64End(prefix, lq.toH)
	return scanPage(kv, cursorDatasets, prefix, start, end, true, lq, func(k, _ []byte) (DatasetView, bool, bool, error) {
		round := binary.BigEndian.Uint64(k[len(k)-8:])
		if round < lq.from || round > lq.to {
			return DatasetView{}, false, false, nil
		}
		d, err := getDataset(kv, id, round)
		if err != nil || (lq.status != 0 && d.Status != lq.status) {
			return DatasetView{}, false, false, err
		}
		return datasetView(d), true, false, nil
	})
}

// latestDataset answers datasets/{source}/latest: the dataset of the
// highest round (of status status, when given).
func latestDataset(kv KV, id string, q url.Values) (any, error) {
	lq, err := parseList(q, cursorDatasets, ParamStatus)
	if err != nil {
		return nil, err
	}
	lq.limit = 1
	// the source's rounds, newest first (q/); those without a dataset
	// (open or unresolved) are skipped
	prefix := []byte(prefixRoundIdx + id + "/")
	p, err := scanPage(kv, cursorDatasets, prefix, prefix, prefixEnd(prefix), true, lq, func(k, _ []byte) (DatasetView, bool, bool, error) {
		b, err := kv.Get(keyDataset(id, binary.BigEndian.Uint64(k[len(prefix):])))
		if err != nil || b == nil {
			return DatasetView{}, false, false, err
		}
		var d pb.Dataset
		if err := proto.Unmarshal(b, &d); err != nil {
			return DatasetView{}, false, false, fmt.Errorf("%w: %w", ErrState, err)
		}
		return datasetView(&d), lq.status == 0 || d.Status == lq.status, false, nil
	})
	if err != nil {
		return nil, err
	}
	if len(p.Items) == 0 {
		return nil, fmt.Errorf("%w: source %q has no dataset%s", ErrNotFound, id, statusSuffix(q))
	}
	return p.Items[0], nil
}

func statusSuffix(q url.Values) string {
	if s := q.Get(ParamStatus); s != "" {
		return " of status " + s
	}
	return ""
}

// queryRounds answers rounds/{source}: a Page of RoundView by round,
// newest first.
func queryRounds(kv KV, id string, q url.Values) (any, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: rounds/{source}, got %q", ErrBadQuery, id)
	}
	if err := sourceExists(kv, id); err != nil {
		return nil, err
	}
	lq, err := parseList(q, cursorRounds, ParamLimit, ParamCursor, ParamFrom, ParamTo)
	if err != nil {
		return nil, err
	}
	prefix := []byte(prefixRoundIdx + id + "/")
	heights, err := scanPage(kv, cursorRounds, prefix, u64Key(prefix, lq.from), u64End(prefix, lq.to), true, lq,
		func(k, _ []byte) (uint64, bool, bool, error) {
			return binary.BigEndian.Uint64(k[len(prefix):]), true, false, nil
		})
	if err != nil {
		return nil, err
	}
	p := Page[RoundView]{Items: make([]RoundView, 0, len(heights.Items)), Next: heights.Next, Truncated: heights.Truncated}
	for _, h := range heights.Items {
		b, err := kv.Get(keyRound(id, h))
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("%w: round %d of source %q is indexed but has no record", ErrState, h, id)
		}
		var r pb.Round
		if err := proto.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%w: round %d of source %q: %w", ErrState, h, id, err)
		}
		p.Items = append(p.Items, roundView(&r))
	}
	return p, nil
}

// queryEvidence answers evidence: a Page of EvidenceView by id, newest
// first, optionally of recording heights [from_height, to_height].
func queryEvidence(kv KV, q url.Values) (any, error) {
	lq, err := parseList(q, cursorEvidence, ParamLimit, ParamCursor, ParamFromHeight, ParamToHeight)
	if err != nil {
		return nil, err
	}
	prefix := []byte(prefixEvidence)
	return scanPage(kv, cursorEvidence, prefix, prefix, prefixEnd(prefix), true, lq, func(_, v []byte) (EvidenceView, bool, bool, error) {
		var e pb.Evidence
		if err := proto.Unmarshal(v, &e); err != nil {
			return EvidenceView{}, false, false, fmt.Errorf("%w: %w", ErrState, err)
		}
		// ids grow with the height, so below from_height nothing matches
		return evidenceView(&e), e.Height <= lq.toH, e.Height < lq.fromH, nil
	})
}

// querySources answers sources: a Page of SourceView by id, ascending.
func querySources(kv KV, q url.Values) (any, error) {
	lq, err := parseList(q, cursorSources, ParamLimit, ParamCursor)
	if err != nil {
		return nil, err
	}
	prefix := []byte(prefixSource)
	return scanPage(kv, cursorSources, prefix, prefix, prefixEnd(prefix), false, lq, func(_, v []byte) (SourceView, bool, bool, error) {
		var s pb.Source
		if err := proto.Unmarshal(v, &s); err != nil {
			return SourceView{}, false, false, fmt.Errorf("%w: %w", ErrState, err)
		}
		return sourceView(&s), true, false, nil
	})
}

func sourceExists(kv KV, id string) error {
	b, err := kv.Get(keySource(id))
	if err != nil {
		return err
	}
	if b == nil {
		return fmt.Errorf("%w: source %q", ErrNotFound, id)
	}
	return nil
}

func getDataset(kv KV, id string, round uint64) (*pb.Dataset, error) {
	b, err := kv.Get(keyDataset(id, round))
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, fmt.Errorf("%w: index names dataset %s/%d, which is missing", ErrState, id, round)
	}
	var d pb.Dataset
	if err := proto.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrState, err)
	}
	return &d, nil
}

// formatTime formats unix nanoseconds as RFC 3339 in UTC with trailing
// zeros of the fraction dropped (Go's time.RFC3339Nano), without the
// time package: the state machine reads no clock.
func formatTime(ns int64) string {
	secs, frac := ns/1e9, ns%1e9
	if frac < 0 {
		secs, frac = secs-1, frac+1e9
	}
	days, sod := secs/86400, secs%86400
	if sod < 0 {
		days, sod = days-1, sod+86400
	}
	y, m, d := civil(days)
	s := fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, sod/3600, sod%3600/60, sod%60)
	if frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", frac), "0")
	}
	return s + "Z"
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (the days-to-civil algorithm of H. Hinnant's date library notes).
func civil(days int64) (y, m, d int64) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}
