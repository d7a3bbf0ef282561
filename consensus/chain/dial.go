package chain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
)

// ErrNodeDown is returned when no node's RPC can be reached.
var ErrNodeDown = errors.New("node unreachable")

// ProbeTimeout bounds the status call with which Dial tries each of
// several nodes.
const ProbeTimeout = 5 * time.Second

// Dial returns a client of the first node of addrs (one CometBFT RPC
// address such as tcp://127.0.0.1:26657, or several comma-separated)
// that answers, and that node's address. With one address it does not
// probe: the first call reports a failure. With several it asks each for
// its status in turn (at most ProbeTimeout each) and takes the first that
// answers and is not catching up. When none does, the error wraps
// ErrNodeDown and names every address with its failure.
func Dial(ctx context.Context, addrs string) (*Client, string, error) {
	list := strings.Split(addrs, ",")
	var errs []error
	for _, addr := range list {
		addr = strings.TrimSpace(addr)
		if addr == "" {
			continue
		}
		hc, err := rpchttp.New(addr, "/websocket")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			continue
		}
		c := New(hc)
		if len(list) == 1 {
			return c, addr, nil
		}
		pctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
		st, err := c.Status(pctx)
		cancel()
		switch {
		case err != nil:
			errs = append(errs, RPCError(addr, err))
		case st.CatchingUp:
			errs = append(errs, fmt.Errorf("%s: catching up at height %d", addr, st.Height))
		default:
			return c, addr, nil
		}
	}
	if len(errs) == 0 {
		return nil, "", fmt.Errorf("%w: no node address in %q", ErrNodeDown, addrs)
	}
	return nil, "", fmt.Errorf("%w: every node failed: %w", ErrNodeDown, errors.Join(errs...))
}

// RPCError returns err of a call to the node at addr, wrapped in
// ErrNodeDown (with a hint to start the node) when the connection was
// refused; other errors are returned as they are.
func RPCError(addr string, err error) error {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("%w at %s (is `assay start` running?): %w", ErrNodeDown, addr, err)
	}
	return err
}
