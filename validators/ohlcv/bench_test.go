//go:build !wasip1

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/assaynet/assay/sdk/assay"
)

// BenchmarkValidate measures 500 candles natively; the yardstick decodes
// the same input with encoding/json only.
func BenchmarkValidate(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := 0; i < 500; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `[%d,"37000.5","37100","36900.25","37050","12.5"]`, 1699999500+60*i)
	}
	sb.WriteString("]")
	input := []byte(sb.String())
	params := []byte(`{"symbol":"X","window_start":1699999500,"window_end":1700029500,"interval":60}`)
	b.Run("ohlcv", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(input)))
		for i := 0; i < b.N; i++ {
			if _, err := validate(input, params, assay.Round{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("yardstick-encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(input)))
		for i := 0; i < b.N; i++ {
			var v [][]any
			if err := json.Unmarshal(input, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
