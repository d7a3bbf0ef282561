package main

import (
	"encoding/json"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/assaynet/assay/consensus/node"
)

// netOptions shape the homes that init, testnet and devnet write.
type netOptions struct {
	ChainID       string
	Nodes         int
	BasePort      int           // node i uses BasePort+10i .. +3
	Stake         uint64        // per validator
	TimeoutCommit time.Duration // CometBFT timeout_commit
	Params        string        // genesis params JSON ("" = defaults)
	Faults        map[int]string
	Concurrency   int // worker.concurrency in assay.toml (0: default)
	// Hosts, when set, holds one distinct machine per node (CometBFT's
	// testnet convention): every node uses the BasePort ports, listens
	// for p2p on 0.0.0.0 and dials its peers at their host.
	Hosts []string
	// ListenHost is where RPC, Prometheus and the gateway listen
	// ("" = 127.0.0.1).
	ListenHost string
	// AllowPrivateRanges is [fetch] allow_private_ranges in assay.toml:
	// CIDR ranges the http fetcher may dial although they are refused by
	// default (devnet: its mock exchange on loopback).
	AllowPrivateRanges []string
}

// homeInfo is what writeNet learned about one home.
type homeInfo = node.Home

// writeNet writes o.Nodes homes dir/node0.. sharing one genesis
// (node.WriteTestnet) and gives each its assay.toml.
func writeNet(dir string, o netOptions) ([]homeInfo, error) {
	homes, err := node.WriteTestnet(dir, node.TestnetConfig{ChainID: o.ChainID, Validators: o.Nodes,
		Stakes: slices.Repeat([]uint64{o.Stake}, max(o.Nodes, 0)), BasePort: o.BasePort, Hosts: o.Hosts,
		ListenHost: o.ListenHost, Params: json.RawMessage(o.Params), TimeoutCommit: o.TimeoutCommit, Prometheus: true})
	if err != nil {
		return nil, err
	}
	for i, h := range homes {
		ac := defaultAssayConfig(hostPort(h.ListenHost, h.Ports.Gateway))
		if o.Concurrency > 0 {
			ac.Worker.Concurrency = o.Concurrency
		}
		ac.Worker.Fault = o.Faults[i]
		ac.Fetch.AllowPrivateRanges = o.AllowPrivateRanges
		if err := writeAssayConfig(h.Dir, ac); err != nil {
			return nil, err
		}
	}
	return homes, nil
}

// hostPort joins a host and a port (brackets for IPv6).
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
