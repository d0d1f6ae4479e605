package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// drainWait bounds how long the end of the input waits for the answers to
// the requests still being handled.
const drainWait = 30 * time.Second

// drainTransport makes connections that answer every request read before
// the input ended. The SDK ends a session as soon as its input ends,
// dropping the answers to calls still running; a client that writes its
// requests and then closes its end of the pipe (a script: printf … | crm
// mcp) would get none of them.
type drainTransport struct {
	mcp.Transport
	wait time.Duration
}

func (t drainTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := t.Transport.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &drainConn{Connection: c, wait: t.wait, pending: map[jsonrpc.ID]bool{}, answered: make(chan struct{}, 1)}, nil
}

// drainConn counts the requests read that are not answered yet; its Read
// reports the end of the input only once there are none (or after wait).
type drainConn struct {
	mcp.Connection
	wait     time.Duration
	mu       sync.Mutex
	pending  map[jsonrpc.ID]bool
	answered chan struct{} // a token after each answer
}

func (c *drainConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if errors.Is(err, io.EOF) {
		c.drain(ctx)
		return nil, err
	}
	if req, ok := msg.(*jsonrpc.Request); ok {
		c.mu.Lock()
		if req.ID.IsValid() {
			c.pending[req.ID] = true
		} else if req.Method == "notifications/cancelled" {
			// A cancelled request may go unanswered.
			var p struct {
				RequestID any `json:"requestId"`
			}
			if json.Unmarshal(req.Params, &p) == nil {
				if id, err := jsonrpc.MakeID(p.RequestID); err == nil {
					delete(c.pending, id)
				}
			}
		}
		c.mu.Unlock()
	}
	return msg, err
}

func (c *drainConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	err := c.Connection.Write(ctx, msg)
	if resp, ok := msg.(*jsonrpc.Response); ok {
		c.mu.Lock()
		delete(c.pending, resp.ID)
		c.mu.Unlock()
		select {
		case c.answered <- struct{}{}:
		default:
		}
	}
	return err
}

// drain waits until every request read has been answered, ctx is done, or
// c.wait has passed.
func (c *drainConn) drain(ctx context.Context) {
	timeout := time.NewTimer(c.wait)
	defer timeout.Stop()
	for {
		c.mu.Lock()
		n := len(c.pending)
		c.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-c.answered:
		case <-ctx.Done():
			return
		case <-timeout.C:
			return
		}
	}
}
