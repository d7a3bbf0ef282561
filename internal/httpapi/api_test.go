package httpapi_test

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/assaynet/assay/internal/apitest"
)

// fetch GETs url with the given headers and returns the answer and body.
func fetch(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestEndpoints asks every endpoint of a running node for real records
// and for errors: unknown ids are 404, bad parameters 400, other methods
// 405, each with a JSON body naming the bad input.
func TestEndpoints(t *testing.T) {
	d, _, ds := apitest.StartClient(t, 3)
	base := d.Nodes[0].API + "/api/v1"
	latest := ds[0]
	for _, x := range ds {
		if x.Round > latest.Round {
			latest = x
		}
	}
	r := strconv.FormatUint(latest.Round, 10)
	tests := []struct {
		path   string
		method string
		code   int
		want   []string // substrings of the body
	}{
		{path: "/sources", code: 200, want: []string{`"items":[{"id":"btc-usd"`, `"truncated":false`}},
		{path: "/sources?limit=1", code: 200, want: []string{`"id":"btc-usd"`}},
		{path: "/sources/btc-usd", code: 200, want: []string{`"id":"btc-usd"`, `"code_cid":"bafk`}},
		{path: "/sources/nope", code: 404, want: []string{`"error":`, `nope`, `"status":404`}},
		{path: "/sources/btc-usd/datasets?limit=2", code: 200, want: []string{`"truncated":true`, `"next":"`, `"attesters":["`, `"input_cids":["bafk`, `"time":"20`}},
		{path: "/sources/btc-usd/datasets?status=ACCEPTED&from_height=1", code: 200, want: []string{`"status":"ACCEPTED"`}},
		{path: "/sources/btc-usd/datasets?limit=0", code: 400, want: []string{`limit=\"0\"`}},
		{path: "/sources/btc-usd/datasets?limit=5000", code: 400, want: []string{`limit=5000`}},
		{path: "/sources/btc-usd/datasets?cursor=zz", code: 400, want: []string{`cursor`}},
		{path: "/sources/btc-usd/datasets?bogus=1", code: 400, want: []string{`\"bogus\"`}},
		{path: "/sources/btc-usd/datasets?limit=1&limit=2", code: 400, want: []string{`2 times`}},
		{path: "/sources/btc-usd/datasets?status=GOOD", code: 400, want: []string{`GOOD`}},
		{path: "/sources/nope/datasets", code: 404, want: []string{`nope`}},
		{path: "/sources/btc-usd/datasets/latest", code: 200, want: []string{`"round":` + r + `,`, `"output_cid":"bafk`}},
		{path: "/sources/btc-usd/datasets/latest?status=REJECTED", code: 404, want: []string{`REJECTED`}},
		{path: "/sources/btc-usd/datasets/" + r, code: 200, want: []string{`"round":` + r + `,`, `"height":` + strconv.FormatUint(latest.Height, 10)}},
		{path: "/sources/btc-usd/datasets/abc", code: 400, want: []string{`\"abc\"`}},
		{path: "/sources/btc-usd/datasets/99999999", code: 404, want: []string{`not found`}},
		{path: "/sources/btc-usd/datasets/" + r + "?x=1", code: 400, want: []string{`\"x\" is not one of [height]`}},
		{path: "/sources/btc-usd/datasets/" + r + "?height=" + strconv.FormatUint(latest.Height, 10), code: 200, want: []string{`"round":` + r + `,`}},
		{path: "/sources/btc-usd/datasets/" + r + "?height=" + strconv.FormatUint(latest.Height-1, 10), code: 404, want: []string{`has no dataset`}},
		{path: "/sources?height=abc", code: 400, want: []string{`height \"abc\" is not a block height`}},
		{path: "/sources?height=-1", code: 400, want: []string{`height \"-1\"`}},
		{path: "/sources?height=9223372036854775808", code: 400, want: []string{`not a block height`}},
		{path: "/sources?height=99999999", code: 400, want: []string{`version not available: 99999999`}},
		{path: "/validators?height=1&height=2", code: 400, want: []string{`2 times`}},
		{path: "/sources/btc-usd/rounds?limit=1", code: 200, want: []string{`"phase":`, `"assignees":[`}},
		{path: "/sources/btc-usd/rounds/" + r, code: 200, want: []string{`"phase":"RESOLVED"`, `"status":"ACCEPTED"`}},
		{path: "/sources/btc-usd/rounds/-1", code: 400, want: []string{`\"-1\"`}},
		{path: "/sources/nope/rounds/1", code: 404, want: []string{`not found`}},
		{path: "/validators", code: 200, want: []string{`[{"operator":"` + hex.EncodeToString(d.Nodes[0].Operator) + `"`}},
		{path: "/evidence", code: 200, want: []string{`"items":[]`}},
		{path: "/evidence?from=1", code: 400, want: []string{`\"from\"`}},
		{path: "/nope", code: 404, want: []string{`no such endpoint`}},
		{path: "/sources", method: http.MethodPost, code: 405, want: []string{`read-only`}},
	}
	for _, tc := range tests {
		method := tc.method
		if method == "" {
			method = http.MethodGet
		}
		resp, body := fetch(t, method, base+tc.path, nil)
		if resp.StatusCode != tc.code {
			t.Errorf("%s %s: %d %s, want %d", method, tc.path, resp.StatusCode, body, tc.code)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: content type %q", tc.path, ct)
		}
		if !json.Valid([]byte(body)) {
			t.Errorf("%s: not JSON: %s", tc.path, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s: body %s lacks %s", method, tc.path, body, w)
			}
		}
		if tc.code == 200 && resp.Header.Get("X-Assay-Height") == "" {
			t.Errorf("%s: no X-Assay-Height", tc.path)
		}
	}
}

// TestReadAtHeight: ?height= answers from the state committed at that
// height, and X-Assay-Height says so: the latest dataset before the one
// that is latest now, a list without it, and the same answers again on a
// later read.
func TestReadAtHeight(t *testing.T) {
	d, _, ds := apitest.StartClient(t, 3)
	base := d.Nodes[0].API + "/api/v1/sources/btc-usd/datasets"
	latest := ds[0]
	for _, x := range ds {
		if x.Height > latest.Height || (x.Height == latest.Height && x.Round > latest.Round) {
			latest = x
		}
	}
	before := strconv.FormatUint(latest.Height-1, 10)
	for _, tc := range []struct {
		path, height string
		lacks        string // a substring the answer at height must not hold
	}{
		{"/latest", before, `"round":` + strconv.FormatUint(latest.Round, 10) + `,`},
		{"?limit=1000", before, `"round":` + strconv.FormatUint(latest.Round, 10) + `,`},
		{"/latest", strconv.FormatUint(latest.Height, 10), ""},
	} {
		var first string
		for range 2 { // the same state on a later read
			resp, body := fetch(t, http.MethodGet, base+tc.path+sep(tc.path)+"height="+tc.height, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%s at %s: %d %s", tc.path, tc.height, resp.StatusCode, body)
			}
			if h := resp.Header.Get("X-Assay-Height"); h != tc.height {
				t.Errorf("%s at %s: X-Assay-Height %s", tc.path, tc.height, h)
			}
			if tc.lacks != "" && strings.Contains(body, tc.lacks) {
				t.Errorf("%s at %s holds %s, resolved at %d: %s", tc.path, tc.height, tc.lacks, latest.Height, body)
			}
			if first != "" && body != first {
				t.Errorf("%s at %s changed between two reads:\n%s\n%s", tc.path, tc.height, first, body)
			}
			first = body
		}
	}
}

// sep is the separator before one more query parameter of path.
func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
