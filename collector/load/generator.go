package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
)

// rawCodec sends pre-marshalled OTLP requests as they are and discards the
// responses unread, so a request costs the generator a write and a read:
// the collector, not the generator, is what saturates.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec cannot marshal %T", v)
	}
	return *b, nil
}

func (rawCodec) Unmarshal([]byte, any) error { return nil }

func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

// request is one pre-marshalled OTLP export request.
type request struct {
	method string // the gRPC method of the signal's service
	body   []byte
	items  int
}

// result is what a closed-loop run moved.
type result struct {
	items    int64
	requests int64
	elapsed  time.Duration
}

// closedLoop keeps workers requests in flight against addr for d: each
// worker sends its next request as soon as the previous one is answered.
// The first error stops every worker and is returned.
func closedLoop(ctx context.Context, addr string, req request, workers int, d time.Duration) (result, error) {
	conns := make([]*grpc.ClientConn, workers)
	for i := range conns {
		c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
		if err != nil {
			return result{}, err
		}
		defer c.Close()
		conns[i] = c
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		requests atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var resp []byte
			for time.Now().Before(deadline) {
				if err := c.Invoke(ctx, req.method, &req.body, &resp); err != nil {
					if ctx.Err() == nil {
						errOnce.Do(func() { firstErr = fmt.Errorf("%s: %w", req.method, err) })
					}
					cancel()
					return
				}
				requests.Add(1)
			}
		}()
	}
	wg.Wait()
	r := result{requests: requests.Load(), elapsed: time.Since(start)}
	r.items = r.requests * int64(req.items)
	return r, firstErr
}

// waitAccepting sends req until the collector accepts one, for up to
// timeout or until exited reports that the collector is gone: the receiver
// listens a little before the pipeline is built.
func waitAccepting(ctx context.Context, addr string, req request, timeout time.Duration, exited func() bool) error {
	c, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		return err
	}
	defer c.Close()
	deadline := time.Now().Add(timeout)
	var resp []byte
	for {
		callCtx, cancel := context.WithTimeout(ctx, time.Second)
		err = c.Invoke(callCtx, req.method, &req.body, &resp)
		cancel()
		if err == nil {
			return nil
		}
		if exited() {
			return fmt.Errorf("the collector exited before accepting a request: %w", err)
		}
		if time.Now().After(deadline) {
			return errors.Join(fmt.Errorf("the collector at %s accepted no request within %s", addr, timeout), err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
