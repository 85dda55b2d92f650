package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/sdk-go/seamhttp"
)

// Headers pricing-service reads: the faults to apply and the caller's
// remaining time, at which its slow path gives up.
const (
	faultHeader   = "X-Pricing-Fault"
	timeoutHeader = "X-Pricing-Timeout-Ms"
)

// serviceClient calls pricing-service's POST /fingerprint, the Rust
// candidate over HTTP, through Seam's client transport (a client span, and
// the trace context and correlation ID in the headers), as a
// seamhttp.Crossing: the call has its own budget and is recorded as the
// HTTP kind of boundary. The rollout serves the Go fallback when it fails.
type serviceClient struct {
	endpoint string
	client   *http.Client
	crossing *seamhttp.Crossing
}

func newServiceClient(base string, timeout time.Duration) (*serviceClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--pricing-service %q: want a URL like http://127.0.0.1:8081", base)
	}
	crossing, err := seamhttp.NewCrossing(operationFingerprint, seamhttp.CrossingOptions{Timeout: timeout})
	if err != nil {
		return nil, err
	}
	return &serviceClient{
		endpoint: u.JoinPath("fingerprint").String(),
		client:   &http.Client{Transport: seamhttp.Transport(nil)},
		crossing: crossing,
	}, nil
}

// fingerprint returns the Rust service's fingerprint.
func (c *serviceClient) fingerprint(ctx context.Context, b *pricing.Basket, f faults.Faults) (hex string, err error) {
	err = c.crossing.Call(ctx, func(ctx context.Context) (err error) {
		hex, err = c.call(ctx, b, f)
		return err
	}, nil)
	return hex, err
}

// call makes one request under ctx, which carries the call's budget.
func (c *serviceClient) call(ctx context.Context, b *pricing.Basket, f faults.Faults) (string, error) {
	body, err := json.Marshal(b)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if f != faults.None {
		req.Header.Set(faultHeader, f.String())
	}
	if deadline, ok := ctx.Deadline(); ok {
		req.Header.Set(timeoutHeader, strconv.FormatInt(max(time.Until(deadline).Milliseconds(), 0), 10))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var reply struct {
		Fingerprint string `json:"fingerprint"`
		Error       string `json:"error"`
	}
	decoded := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&reply)
	if err := seamhttp.CheckResponse(resp); err != nil {
		// The error.type is the response's; the reply, when there is one,
		// says what went wrong.
		if reply.Error != "" {
			return "", fmt.Errorf("pricing-service: %w: %s", err, reply.Error)
		}
		return "", fmt.Errorf("pricing-service: %w", err)
	}
	if decoded != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("pricing-service: reading the reply: %w", ctx.Err())
		}
		return "", fmt.Errorf("pricing-service: %s: unreadable reply: %w", resp.Status, decoded)
	}
	if len(reply.Fingerprint) != 16 {
		return "", fmt.Errorf("pricing-service: fingerprint %q: want 16 hex digits", reply.Fingerprint)
	}
	return reply.Fingerprint, nil
}
