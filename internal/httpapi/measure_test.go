package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/assaynet/assay/consumer"
	"github.com/assaynet/assay/internal/devnet"
	"github.com/assaynet/assay/internal/testports"
)

// TestMeasureConsumerAPI measures, on the default devnet (4 validators,
// 500 ms blocks, the jsonfields sources every 2 blocks, k = 3, a
// wrong-output validator), the README's consumer numbers: the latest
// value over HTTP (one call; its milliseconds) and the delay from the
// resolving block's time to the dataset arriving over the stream.
//
//	ASSAY_E2E=1 go test -count=1 -v -run TestMeasureConsumerAPI ./internal/httpapi
func TestMeasureConsumerAPI(t *testing.T) {
	if os.Getenv("ASSAY_E2E") == "" {
		t.Skip("set ASSAY_E2E=1: runs the four-validator devnet for a minute")
	}
	const events, calls = 30, 300
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := devnet.Start(context.Background(), t.TempDir(), devnet.Config{Validators: 4, BasePort: testports.FreeBase(t, 4),
		BlockTime: 500 * time.Millisecond, Fault: "wrong-output", CacheDir: t.TempDir(),
		GenesisParams: `{"commit_window":"4","reveal_window":"4","jail_blocks":"100"}`})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	wasm, params, err := devnet.ExampleFiles(devnet.Builtin, devnet.Builtin)
	if err != nil {
		t.Fatal(err)
	}
	if err := devnet.RegisterSources(ctx, d, wasm, params, devnet.Sources{Symbols: []string{"BTC-USD", "ETH-USD"}, Every: 2, Replicas: 3, Spread: true}); err != nil {
		t.Fatal(err)
	}
	c, err := consumer.NewClient(d.Nodes[0].API)
	if err != nil {
		t.Fatal(err)
	}
	var delays []time.Duration
	err = c.Watch(ctx, "btc-usd", "", func(ev consumer.WatchEvent) error {
		at, err := time.Parse(time.RFC3339Nano, ev.Dataset.Time)
		if err != nil {
			return err
		}
		if delays = append(delays, time.Since(at)); len(delays) == events {
			return errEnough
		}
		return nil
	})
	if !errors.Is(err, errEnough) {
		t.Fatal(err)
	}
	other, err := consumer.NewClient(d.Nodes[1].API)
	if err != nil {
		t.Fatal(err)
	}
	var lat []time.Duration
	all := time.Now()
	for range calls {
		start := time.Now()
		if _, err := other.Latest(ctx, "btc-usd"); err != nil {
			t.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	t.Logf("latest value over HTTP: 1 call; p50 %s, p90 %s, max %s over %d calls (%s in all)", ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 100)), calls, time.Since(all))
	t.Logf("block time of the resolving block → dataset received over the stream: p50 %s, p90 %s, max %s over %d datasets",
		ms(pct(delays, 50)), ms(pct(delays, 90)), ms(pct(delays, 100)), events)
}

// pct is the p-th percentile (nearest rank) of ds.
func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := max((p*len(s)+99)/100-1, 0)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
