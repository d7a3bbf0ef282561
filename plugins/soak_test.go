package plugins_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/assaynet/assay/plugins"
)

// TestSoak runs many concurrent fetches against plugins that crash, hang,
// flood and fail now and then; every fetch must end within the timeout
// with data or a FetchError, and Close must leave no process. Set
// ASSAY_LONG=1 to run it.
func TestSoak(t *testing.T) {
	if os.Getenv("ASSAY_LONG") == "" {
		t.Skip("soak test: set ASSAY_LONG=1")
	}
	lim := testLimits
	lim.Timeout = 2 * time.Second
	lim.Concurrency = 3
	raw := map[string]string{"ASSAY_TEST_SERVER": "raw", "ASSAY_TEST_KINDS": "raw"}
	m, _ := newManager(t, lim, nil,
		pluginCfg("sdk1", map[string]string{"ASSAY_TEST_KINDS": "sdk1"}),
		pluginCfg("sdk2", map[string]string{"ASSAY_TEST_KINDS": "sdk2"}),
		pluginCfg("raw", raw))
	configs := []struct{ kind, config string }{
		{"sdk1", `{"text":"ok {{height}}"}`}, {"sdk2", `{"size":65537}`}, {"sdk1", `{"mode":"crash"}`},
		{"sdk2", `{"mode":"hang"}`}, {"sdk1", `{"mode":"error"}`}, {"raw", `{"mode":"flood"}`},
		{"raw", `{"mode":"badsum","text":"x"}`}, {"raw", `{"text":"fine"}`}, {"sdk2", `{"text":"ok"}`},
	}
	const workers, perWorker = 8, 60
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				c := configs[(w*7+i*3)%len(configs)]
				start := time.Now()
				_, err := m.Fetch(context.Background(), spec(c.kind, c.config), plugins.Round{Height: int64(i)})
				if d := time.Since(start); d > lim.Timeout+3*time.Second {
					t.Errorf("%s %s took %v", c.kind, c.config, d)
				}
				var fe *plugins.FetchError
				key := "ok"
				if err != nil {
					if !errors.As(err, &fe) {
						t.Errorf("error is not a FetchError: %v", err)
						continue
					}
					key = string(fe.Reason)
				}
				mu.Lock()
				counts[key]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("outcomes: %v", counts)
	for _, st := range m.Status() {
		t.Logf("%s: starts %d, state %s", st.Name, st.Starts, st.State)
	}
	if counts["ok"] == 0 || counts[string(plugins.ReasonCrash)] == 0 {
		t.Errorf("outcomes %v: want successes and crashes", counts)
	}
	m.Close()
	if kids := children(); len(kids) != 0 {
		t.Errorf("children left after Close: %v", kids)
	}
}
