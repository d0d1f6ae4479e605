package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// drainWait bounds how long the end of the input waits for the answers to
// the requests still being handled.
const drainWait = 30 * time.Second

// drainTransport makes connections that answer every request read before
// the input ended, and that read nothing after a call of a write tool until
// that call is answered. The SDK ends a session as soon as its input ends,
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
	return &drainConn{Connection: c, wait: t.wait, pending: map[jsonrpc.ID]bool{}, writing: map[jsonrpc.ID]bool{}, answered: make(chan struct{}, 1)}, nil
}

// drainConn counts the requests read that are not answered yet; its Read
// reports the end of the input only once there are none (or after wait).
//
// The SDK handles calls concurrently, so two writes sent without waiting
// for the first answer (a script's pipe) could land in either order, and a
// read sent after a write could miss it. Read therefore waits, before it
// reads on, for the answer to every write call it has read: writes land in
// the order they were sent, and whatever follows a write sees it.
type drainConn struct {
	mcp.Connection
	wait     time.Duration
	mu       sync.Mutex
	pending  map[jsonrpc.ID]bool
	writing  map[jsonrpc.ID]bool // the pending calls of write tools
	answered chan struct{}       // a token after each answer
}

func (c *drainConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	if err := c.awaitWrites(ctx); err != nil {
		return nil, err
	}
	msg, err := c.Connection.Read(ctx)
	if errors.Is(err, io.EOF) {
		c.drain(ctx)
		return nil, err
	}
	if req, ok := msg.(*jsonrpc.Request); ok {
		c.mu.Lock()
		if req.ID.IsValid() {
			c.pending[req.ID] = true
			if isWriteCall(req) {
				c.writing[req.ID] = true
			}
		} else if req.Method == "notifications/cancelled" {
			// A cancelled request may go unanswered.
			var p struct {
				RequestID any `json:"requestId"`
			}
			if json.Unmarshal(req.Params, &p) == nil {
				if id, err := jsonrpc.MakeID(p.RequestID); err == nil {
					delete(c.pending, id)
					delete(c.writing, id)
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
		delete(c.writing, resp.ID)
		c.mu.Unlock()
		select {
		case c.answered <- struct{}{}:
		default:
		}
	}
	return err
}

// isWriteCall reports whether req calls one of the tools that change the
// book.
func isWriteCall(req *jsonrpc.Request) bool {
	if req.Method != "tools/call" {
		return false
	}
	var p struct {
		Name string `json:"name"`
	}
	return json.Unmarshal(req.Params, &p) == nil && slices.Contains(writeTools, p.Name)
}

// awaitWrites waits until every write call read has been answered, or ctx
// is done. No write waits forever: each ends with an answer, and a client
// that cancels one is answered too (or the cancel removes it).
func (c *drainConn) awaitWrites(ctx context.Context) error {
	return c.await(ctx, c.writing, nil)
}

// drain waits until every request read has been answered, ctx is done, or
// c.wait has passed.
func (c *drainConn) drain(ctx context.Context) {
	timeout := time.NewTimer(c.wait)
	defer timeout.Stop()
	c.await(ctx, c.pending, timeout.C)
}

// await waits until calls (one of c's maps) is empty, ctx is done (its
// error), or timeout fires (nil).
func (c *drainConn) await(ctx context.Context, calls map[jsonrpc.ID]bool, timeout <-chan time.Time) error {
	for {
		c.mu.Lock()
		n := len(calls)
		c.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-c.answered:
		case <-ctx.Done():
			return ctx.Err()
		case <-timeout:
			return nil
		}
	}
}
