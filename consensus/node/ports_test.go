package node_test

import (
	"testing"

	"github.com/assaynet/assay/consensus/node"
)

// TestDefaultPorts: a home written with BasePort 0 gets DefaultPorts,
// the ports the CLI's default addresses point at.
func TestDefaultPorts(t *testing.T) {
	h, err := node.InitHome(t.TempDir(), node.TestnetConfig{ChainID: "assay-ports-test"})
	if err != nil {
		t.Fatal(err)
	}
	if h.Ports != node.DefaultPorts || node.DefaultPorts.P2P != node.DefaultBasePort {
		t.Errorf("InitHome ports %+v, DefaultPorts %+v", h.Ports, node.DefaultPorts)
	}
}
