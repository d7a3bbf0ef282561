package plugins_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

// BenchmarkFetchOverhead measures one fetch through a plugin process and,
// as the yardstick, the same bytes through an in-process fetcher, both via
// the Manager. ns/op is the plugin's; inproc-ns/op and plugin/inproc are
// reported beside it.
func BenchmarkFetchOverhead(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			lim := testLimits
			lim.MaxBytes = 2 << 20
			m, _ := newManager(b, lim, []plugins.Fetcher{bytesFetcher{make([]byte, size)}},
				pluginCfg("bench", nil, "test"))
			ctx := context.Background()
			plug := spec("test", fmt.Sprintf(`{"size":%d}`, size))
			mem := spec("mem", `{}`)
			for _, s := range []plugins.FetchSpec{plug, mem} { // warm up, start the plugin
				if _, err := m.Fetch(ctx, s, round); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(size))
			b.ResetTimer()
			inproc := time.Duration(0)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if _, err := m.Fetch(ctx, mem, round); err != nil {
					b.Fatal(err)
				}
				inproc += time.Since(t0)
			}
			b.ResetTimer() // ns/op is the plugin path alone
			for i := 0; i < b.N; i++ {
				if _, err := m.Fetch(ctx, plug, round); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			plugNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			inNs := float64(inproc.Nanoseconds()) / float64(b.N)
			b.ReportMetric(inNs, "inproc-ns/op")
			b.ReportMetric(plugNs/inNs, "plugin/inproc")
		})
	}
}
