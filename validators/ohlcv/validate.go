package main

import (
	"github.com/assaynet/assay/sdk/assay"
	"github.com/assaynet/assay/sdk/dec"
	"github.com/assaynet/assay/sdk/jcs"
)

// candle is one parsed candle.
type candle struct {
	t          int64
	o, h, l, c dec.Decimal
	v          dec.Decimal
}

var inputLimits = jcs.Limits{MaxDepth: 4}

// validate is the validator program; see the package comment.
func validate(input, rawParams []byte, r assay.Round) ([]byte, error) {
	p, err := parseParams(rawParams)
	if err != nil {
		return nil, err
	}
	w, err := p.windowFor(r)
	if err != nil {
		return nil, err
	}
	if len(input) > p.MaxBytes {
		return nil, assay.Reject("input of %d bytes exceeds max_bytes %d", len(input), p.MaxBytes)
	}
	lim := inputLimits
	lim.MaxValues = 7*p.MaxCandles + 1 // [t,o,h,l,c,v] per candle, plus the array
	v, err := jcs.Parse(input, lim)
	if err != nil {
		return nil, assay.Reject("input is not valid JSON: %v", err)
	}
	if v.Kind != jcs.Array {
		return nil, assay.Reject("input is a JSON %s, want an array of candles", v.Kind)
	}
	candles, err := checkCandles(v.Arr, p, w)
	if err != nil {
		return nil, err
	}
	return jcs.Append(nil, output(p, w, candles)), nil
}

func checkCandles(arr []jcs.Value, p params, w window) ([]candle, error) {
	switch {
	case len(arr) == 0:
		return nil, assay.Reject("no candles in window [%d, %d)", w.start, w.end)
	case len(arr) > p.MaxCandles:
		return nil, assay.Reject("%d candles exceed max_candles %d", len(arr), p.MaxCandles)
	}
	out := make([]candle, 0, len(arr))
	for i, e := range arr {
		c, err := parseCandle(e)
		if err != nil {
			return nil, assay.Reject("candle %d: %v", i, err)
		}
		if err := checkCandle(c, i, out, p, w); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if p.Complete && p.Interval > 0 {
		if want := (w.end - w.start + p.Interval - 1) / p.Interval; int64(len(out)) != want {
			return nil, assay.Reject("window has %d candles, want %d (complete)", len(out), want)
		}
	}
	return out, nil
}

func checkCandle(c candle, i int, prev []candle, p params, w window) error {
	switch {
	case c.t < w.start || c.t >= w.end:
		return assay.Reject("candle %d: t %d outside window [%d, %d)", i, c.t, w.start, w.end)
	case len(prev) > 0 && c.t <= prev[len(prev)-1].t:
		return assay.Reject("candle %d: t %d is not after the previous candle's %d", i, c.t, prev[len(prev)-1].t)
	case p.Interval > 0 && (c.t-w.start)%p.Interval != 0:
		return assay.Reject("candle %d: t %d is not on the %d interval grid from %d", i, c.t, p.Interval, w.start)
	case c.l.Cmp(c.h) > 0:
		return assay.Reject("candle %d: low %v > high %v", i, c.l, c.h)
	case c.o.Cmp(c.l) < 0 || c.o.Cmp(c.h) > 0:
		return assay.Reject("candle %d: open %v outside [low %v, high %v]", i, c.o, c.l, c.h)
	case c.c.Cmp(c.l) < 0 || c.c.Cmp(c.h) > 0:
		return assay.Reject("candle %d: close %v outside [low %v, high %v]", i, c.c, c.l, c.h)
	case c.v.Sign() < 0:
		return assay.Reject("candle %d: volume %v is negative", i, c.v)
	}
	return nil
}

var fieldNames = []string{"t", "o", "h", "l", "c", "v"}

// parseCandle reads an object {"t",...} or an array [t, o, h, l, c, v].
func parseCandle(e jcs.Value) (candle, error) {
	var fields []jcs.Value
	switch e.Kind {
	case jcs.Array:
		if len(e.Arr) != 6 {
			return candle{}, assay.Reject("array of %d values, want [t, o, h, l, c, v]", len(e.Arr))
		}
		fields = e.Arr
	case jcs.Object:
		if len(e.Obj) != 6 {
			return candle{}, assay.Reject("object with %d members, want t, o, h, l, c, v", len(e.Obj))
		}
		for _, name := range fieldNames {
			f, ok := e.Get(name)
			if !ok {
				return candle{}, assay.Reject("missing %q", name)
			}
			fields = append(fields, f)
		}
	default:
		return candle{}, assay.Reject("a %s, want an object or an array", e.Kind)
	}
	return candleFrom(fields)
}

func candleFrom(f []jcs.Value) (candle, error) {
	if !f[0].IsInteger() {
		return candle{}, assay.Reject("t is not an integer")
	}
	c := candle{t: int64(f[0].Num)}
	dst := []*dec.Decimal{&c.o, &c.h, &c.l, &c.c, &c.v}
	for i, d := range dst {
		var err error
		if *d, err = decimal(f[i+1]); err != nil {
			return candle{}, assay.Reject("%s: %v", fieldNames[i+1], err)
		}
	}
	return c, nil
}

func decimal(v jcs.Value) (dec.Decimal, error) {
	switch v.Kind {
	case jcs.Number:
		return dec.FromFloat(v.Num)
	case jcs.String:
		return dec.Parse(v.Str)
	}
	return dec.Decimal{}, assay.Reject("a %s, want a number or a decimal string", v.Kind)
}

func output(p params, w window, cs []candle) jcs.Value {
	rows := make([]jcs.Value, len(cs))
	for i, c := range cs {
		rows[i] = jcs.NewArray(jcs.NewNumber(float64(c.t)),
			str(c.o), str(c.h), str(c.l), str(c.c), str(c.v))
	}
	return jcs.NewObject(
		jcs.Member{Name: "candles", Value: jcs.NewArray(rows...)},
		jcs.Member{Name: "interval", Value: jcs.NewNumber(float64(p.Interval))},
		jcs.Member{Name: "symbol", Value: jcs.NewString(p.Symbol)},
		jcs.Member{Name: "time_unit", Value: jcs.NewString(p.TimeUnit)},
		jcs.Member{Name: "window_end", Value: jcs.NewNumber(float64(w.end))},
		jcs.Member{Name: "window_start", Value: jcs.NewNumber(float64(w.start))},
	)
}

func str(d dec.Decimal) jcs.Value { return jcs.NewString(d.String()) }
