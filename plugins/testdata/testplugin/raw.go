package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/assaynet/assay/plugins"
	fetcherpb "github.com/assaynet/assay/plugins/internal/proto"
)

// serveRaw serves the generated service directly, so it can break the
// protocol in ways plugins.Serve never does.
func serveRaw(version uint) {
	hs := plugins.Handshake
	hs.ProtocolVersion = version
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: hs,
		Plugins:         plugin.PluginSet{"fetcher": rawPlugin{}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}

type rawPlugin struct{ plugin.NetRPCUnsupportedPlugin }

func (rawPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	fetcherpb.RegisterFetcherServer(s, rawServer{})
	return nil
}

func (rawPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, fmt.Errorf("testplugin: no client side")
}

type rawServer struct {
	fetcherpb.UnimplementedFetcherServer
}

func (rawServer) Kinds(context.Context, *fetcherpb.KindsRequest) (*fetcherpb.KindsResponse, error) {
	return &fetcherpb.KindsResponse{Kinds: kinds()}, nil
}

func (rawServer) Fetch(req *fetcherpb.FetchRequest, stream fetcherpb.Fetcher_FetchServer) error {
	var c config
	if err := json.Unmarshal(req.GetConfigJson(), &c); err != nil {
		return err
	}
	data := payload(c)
	sum := sha256.Sum256(data)
	switch c.Mode {
	case "echo", "":
		return sendTrailer(stream, data, sum[:])
	case "flood":
		return flood(stream)
	case "badsum":
		return sendTrailer(stream, data, make([]byte, 32))
	case "notrailer":
		return stream.Send(&fetcherpb.FetchResponse{Data: data})
	case "bigchunk":
		big := make([]byte, 4*plugins.ChunkSize)
		s := sha256.Sum256(big)
		return sendTrailer(stream, big, s[:])
	}
	return fmt.Errorf("mode %q not served by the raw server", c.Mode)
}

func sendTrailer(stream fetcherpb.Fetcher_FetchServer, data, sum []byte) error {
	if err := stream.Send(&fetcherpb.FetchResponse{Data: data}); err != nil {
		return err
	}
	return stream.Send(&fetcherpb.FetchResponse{Done: true, Size: int64(len(data)), Sha256: sum})
}

// flood streams chunks, ignoring max_bytes, for at most a minute.
func flood(stream fetcherpb.Fetcher_FetchServer) error {
	chunk := make([]byte, plugins.ChunkSize)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if err := stream.Send(&fetcherpb.FetchResponse{Data: chunk}); err != nil {
			return err
		}
	}
	return nil
}
