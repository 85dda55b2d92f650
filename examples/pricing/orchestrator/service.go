package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/sdk-go/seamhttp"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Headers pricing-service reads: the faults to apply and the caller's
// remaining time, at which its slow path gives up.
const (
	faultHeader   = "X-Pricing-Fault"
	timeoutHeader = "X-Pricing-Timeout-Ms"
)

// serviceClient calls pricing-service's POST /fingerprint, the Rust
// candidate over HTTP, through Seam's client transport (a client span, and
// the trace context and correlation ID in the headers). It records the
// call as the HTTP kind of boundary and falls back to Go when it fails.
type serviceClient struct {
	endpoint string
	client   *http.Client
	timeout  time.Duration
	fallback func(context.Context, *pricing.Basket) (string, error)

	duration  metric.Float64Histogram
	fallbacks metric.Int64Counter
}

func newServiceClient(base string, timeout time.Duration, meter metric.Meter, fallback func(context.Context, *pricing.Basket) (string, error)) (*serviceClient, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--pricing-service %q: want a URL like http://127.0.0.1:8081", base)
	}
	c := &serviceClient{
		endpoint: u.JoinPath("fingerprint").String(),
		client:   &http.Client{Transport: seamhttp.Transport(nil)},
		timeout:  timeout,
		fallback: fallback,
	}
	if c.duration, err = semconv.NewSeamBoundaryCallDuration(meter); err != nil {
		return nil, err
	}
	if c.fallbacks, err = semconv.NewSeamBoundaryFallbacks(meter); err != nil {
		return nil, err
	}
	return c, nil
}

// callError is a failed call with the error.type it is recorded under.
type callError struct {
	errorType string
	err       error
}

func (e *callError) Error() string     { return e.err.Error() }
func (e *callError) Unwrap() error     { return e.err }
func (e *callError) ErrorType() string { return e.errorType }

// fingerprint returns the Rust service's fingerprint, or Go's when the call
// failed and ctx still has time; fellBack says which.
func (c *serviceClient) fingerprint(ctx context.Context, b *pricing.Basket, f faults.Faults) (hex string, fellBack bool, err error) {
	start := time.Now()
	hex, err = c.call(ctx, b, f)
	attrs := []attribute.KeyValue{semconv.SeamOperation(operationFingerprint), semconv.SeamBoundaryKindHTTP}
	var ce *callError
	if errors.As(err, &ce) {
		attrs = append(attrs, semconv.ErrorType(ce.errorType))
	}
	set := metric.WithAttributeSet(attribute.NewSet(attrs...))
	c.duration.Record(ctx, time.Since(start).Seconds(), set)
	if err == nil || c.fallback == nil || ctx.Err() != nil {
		return hex, false, err
	}
	c.fallbacks.Add(ctx, 1, set)
	hex, ferr := c.fallback(ctx, b)
	if ferr != nil {
		return "", true, fmt.Errorf("%w; fallback: %w", err, ferr)
	}
	return hex, true, nil
}

// call makes one request under the call timeout.
func (c *serviceClient) call(ctx context.Context, b *pricing.Basket, f faults.Faults) (string, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	body, err := json.Marshal(b)
	if err != nil {
		return "", &callError{"invalid_basket", err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", &callError{"transport", err}
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
		if ctx.Err() != nil {
			return "", &callError{"deadline_exceeded", err}
		}
		return "", &callError{"transport", err}
	}
	defer resp.Body.Close()
	var reply struct {
		Fingerprint string `json:"fingerprint"`
		Error       string `json:"error"`
		ErrorType   string `json:"error_type"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&reply); err != nil {
		if ctx.Err() != nil {
			return "", &callError{"deadline_exceeded", err}
		}
		return "", &callError{"transport", fmt.Errorf("pricing-service: %s: unreadable reply: %w", resp.Status, err)}
	}
	if resp.StatusCode != http.StatusOK {
		errorType := reply.ErrorType
		if errorType == "" {
			errorType = "http_" + strconv.Itoa(resp.StatusCode)
		}
		return "", &callError{errorType, fmt.Errorf("pricing-service: %s: %s", resp.Status, reply.Error)}
	}
	if len(reply.Fingerprint) != 16 {
		return "", &callError{"transport", fmt.Errorf("pricing-service: fingerprint %q: want 16 hex digits", reply.Fingerprint)}
	}
	return reply.Fingerprint, nil
}
