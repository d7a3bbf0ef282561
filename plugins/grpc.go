package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	fetcherpb "github.com/assaynet/assay/plugins/internal/proto"
)

// grpcPlugin is the go-plugin glue: it serves Impl in the plugin and
// dispenses a *grpcClient in the host.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	// Impl is the plugin-side implementation (nil in the host).
	Impl Fetcher
}

// GRPCServer registers the fetcher service.
func (p *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	fetcherpb.RegisterFetcherServer(s, &grpcServer{impl: p.Impl})
	return nil
}

// GRPCClient returns the host's view of the plugin; ctx is cancelled by
// go-plugin when the plugin process exits.
func (p *grpcPlugin) GRPCClient(ctx context.Context, _ *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return &grpcClient{rpc: fetcherpb.NewFetcherClient(c), exited: ctx}, nil
}

// grpcClient implements Fetcher over the wire.
type grpcClient struct {
	rpc    fetcherpb.FetcherClient
	exited context.Context
}

var _ Fetcher = (*grpcClient)(nil)

// Kinds asks the plugin for its kinds.
func (c *grpcClient) Kinds(ctx context.Context) ([]string, error) {
	resp, err := c.rpc.Kinds(ctx, &fetcherpb.KindsRequest{})
	if err != nil {
		return nil, err
	}
	return resp.GetKinds(), nil
}

// Fetch opens the response stream; the returned reader checks the
// protocol as it reads.
func (c *grpcClient) Fetch(ctx context.Context, req Request) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.rpc.Fetch(ctx, &fetcherpb.FetchRequest{
		Kind:       req.Kind,
		ConfigJson: req.Config,
		MaxBytes:   req.MaxBytes,
		Round: &fetcherpb.Round{
			Source:        req.Round.Source,
			Height:        req.Round.Height,
			TimeUnixNano:  req.Round.Time,
			WindowSeconds: req.Round.Window,
		},
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return &streamReader{stream: stream, cancel: cancel, sum: newSum()}, nil
}

// remoteError turns a gRPC status from the plugin into a plain error.
func remoteError(err error) error {
	if s, ok := status.FromError(err); ok && s.Code() == codes.Unknown {
		return errors.New(s.Message())
	}
	return err
}

// grpcServer adapts a Fetcher to the generated service.
type grpcServer struct {
	fetcherpb.UnimplementedFetcherServer
	impl Fetcher
}

// Kinds serves the implementation's kinds.
func (s *grpcServer) Kinds(ctx context.Context, _ *fetcherpb.KindsRequest) (*fetcherpb.KindsResponse, error) {
	kinds, err := s.impl.Kinds(ctx)
	if err != nil {
		return nil, err
	}
	return &fetcherpb.KindsResponse{Kinds: kinds}, nil
}

// Fetch streams the implementation's reader in chunks, then the trailer.
func (s *grpcServer) Fetch(req *fetcherpb.FetchRequest, stream fetcherpb.Fetcher_FetchServer) error {
	r := req.GetRound()
	rc, err := s.impl.Fetch(stream.Context(), Request{
		Kind:     req.GetKind(),
		Config:   req.GetConfigJson(),
		MaxBytes: req.GetMaxBytes(),
		Round:    Round{Source: r.GetSource(), Height: r.GetHeight(), Time: r.GetTimeUnixNano(), Window: r.GetWindowSeconds()},
	})
	if errors.Is(err, ErrTooLarge) {
		return status.Error(codes.ResourceExhausted, err.Error())
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	return sendAll(rc, req.GetMaxBytes(), stream)
}

// sendAll copies rc to the stream in chunks. It stops with an error once
// more than max bytes were read (max ≤ 0: no limit).
func sendAll(rc io.Reader, max int64, stream fetcherpb.Fetcher_FetchServer) error {
	sum := newSum()
	buf := make([]byte, ChunkSize)
	for {
		n, err := io.ReadFull(rc, buf)
		last := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !last {
			return fmt.Errorf("reading input: %w", err)
		}
		sum.add(buf[:n])
		if max > 0 && sum.size > max {
			return status.Errorf(codes.ResourceExhausted, "input exceeds the byte cap of %d", max)
		}
		msg := &fetcherpb.FetchResponse{Data: buf[:n]}
		if last { // the trailer rides on the last chunk
			msg.Done, msg.Size, msg.Sha256 = true, sum.size, sum.digest()
		}
		if err := stream.Send(msg); err != nil || last {
			return err
		}
	}
}
