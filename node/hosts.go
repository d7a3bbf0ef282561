package node

import (
	"errors"
	"fmt"
	"net"
	"strings"
)

// ErrBadHosts is wrapped by ParseHosts' errors: the list (`assay testnet
// --hosts`) was not one valid, distinct host per node.
var ErrBadHosts = errors.New("bad --hosts")

// maxHostLen is the longest DNS name (RFC 1035).
const maxHostLen = 253

// ParseHosts splits a comma-separated host list (`assay testnet --hosts`) and checks it holds
// exactly n distinct hosts, each an IP address or a DNS hostname.
func ParseHosts(list string, n int) ([]string, error) {
	hosts := strings.Split(list, ",")
	if len(hosts) != n {
		return nil, fmt.Errorf("%w: %d hosts for -n %d; give one host per node", ErrBadHosts, len(hosts), n)
	}
	seen := make(map[string]int, n)
	for i, h := range hosts {
		h = strings.TrimSpace(h)
		if err := CheckHost(h); err != nil {
			return nil, fmt.Errorf("%w: host %d %q: %w", ErrBadHosts, i, h, err)
		}
		key := strings.ToLower(h)
		if ip := net.ParseIP(h); ip != nil {
			key = ip.String()
		}
		if j, dup := seen[key]; dup {
			return nil, fmt.Errorf("%w: hosts %d and %d are both %q; nodes on one machine need distinct ports (omit --hosts)", ErrBadHosts, j, i, h)
		}
		seen[key] = i
		hosts[i] = h
	}
	return hosts, nil
}

// CheckHost accepts an IP address a peer can dial or an RFC 1123
// hostname.
func CheckHost(h string) error {
	if ip := net.ParseIP(h); ip != nil {
		if ip.IsUnspecified() {
			return errors.New("unspecified address: peers cannot dial it")
		}
		return nil
	}
	if h == "" || len(h) > maxHostLen {
		return fmt.Errorf("hostname must be 1 to %d characters", maxHostLen)
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if err := checkLabel(label); err != nil {
			return err
		}
	}
	return nil
}

// checkLabel checks one DNS label: 1 to 63 letters, digits or hyphens,
// not starting or ending with a hyphen.
func checkLabel(l string) error {
	if l == "" || len(l) > 63 {
		return fmt.Errorf("label %q must be 1 to 63 characters", l)
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return fmt.Errorf("label %q starts or ends with a hyphen", l)
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("label %q has character %q (not an IP address or hostname)", l, c)
		}
	}
	return nil
}
