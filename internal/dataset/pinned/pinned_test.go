package pinned

import "testing"

// TestGatewayURL: an unspecified listen host is dialled on loopback.
func TestGatewayURL(t *testing.T) {
	tests := []struct{ listen, want string }{
		{"127.0.0.1:26603", "http://127.0.0.1:26603"},
		{"0.0.0.0:26603", "http://127.0.0.1:26603"},
		{":26603", "http://127.0.0.1:26603"},
		{"[::]:26603", "http://127.0.0.1:26603"},
		{"[::1]:26603", "http://[::1]:26603"},
		{"node1.example:80", "http://node1.example:80"},
		{"no-port", ""},
	}
	for _, tc := range tests {
		got, err := GatewayURL(tc.listen)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("GatewayURL(%q) = %q, %v; want %q", tc.listen, got, err, tc.want)
		}
	}
}
