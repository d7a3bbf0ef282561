package httpapi_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/assaynet/assay/internal/apitest"
	"github.com/assaynet/assay/internal/httpapi"
)

// openAPI is the part of docs/openapi.yaml the test reads.
type openAPI struct {
	OpenAPI string                               `yaml:"openapi"`
	Servers []struct{ URL string }               `yaml:"servers"`
	Paths   map[string]map[string]map[string]any `yaml:"paths"` // path → method → operation
}

// TestOpenAPIMatchesRoutes: docs/openapi.yaml documents exactly the
// served paths, each with GET only, and every documented path answers a
// running node with 200 (the stream with its ready event).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	b, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || !strings.HasSuffix(doc.Servers[0].URL, httpapi.Prefix) {
		t.Fatalf("openapi %q, servers %v: want OpenAPI 3 and one server ending in %s", doc.OpenAPI, doc.Servers, httpapi.Prefix)
	}
	var served []string
	for _, p := range httpapi.New(httpapi.Config{}).Patterns() {
		served = append(served, strings.TrimPrefix(p, httpapi.Prefix))
	}
	var documented []string
	for p, ops := range doc.Paths {
		documented = append(documented, p)
		for m := range ops {
			if m != "get" {
				t.Errorf("%s: method %s documented; the API is GET only", p, m)
			}
		}
	}
	slices.Sort(served)
	slices.Sort(documented)
	if !slices.Equal(served, documented) {
		t.Fatalf("served paths %v\ndocumented   %v", served, documented)
	}

	d, _, ds := apitest.StartClient(t, 1)
	round := strconv.FormatUint(ds[0].Round, 10)
	for _, p := range documented {
		url := d.Nodes[0].API + httpapi.Prefix + strings.NewReplacer("{id}", "btc-usd", "{round}", round).Replace(p)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("%s: %v", p, err)
		} else {
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
			resp.Body.Close()
		}
		cancel()
	}
}
