package otlplog

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	colllogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"
)

// HTTPConfig is where and how an HTTPSender posts requests: what the SDK's
// OTLP/HTTP log exporter is given, and its defaults for the rest.
type HTTPConfig struct {
	// URL is the full logs endpoint, /v1/logs included.
	URL     string
	Headers map[string]string
	// Gzip compresses each request body.
	Gzip bool
}

// HTTPSender posts export requests over OTLP/HTTP, retrying what the SDK's
// exporter retries (429, 502, 503, 504 and temporary network errors, after
// Retry-After when given) with the SDK's default backoff, for as long as
// the export's context allows.
type HTTPSender struct {
	cfg    HTTPConfig
	client *http.Client
}

// maxResponseSize bounds the response body read, as the SDK's exporter
// bounds it.
const maxResponseSize = 64 << 20

// NewHTTPSender returns the sender cfg describes.
func NewHTTPSender(cfg HTTPConfig) *HTTPSender {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = dialCopying(transport.DialContext)
	return &HTTPSender{cfg: cfg, client: &http.Client{Transport: transport}}
}

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

// Send posts body, one encoded ExportLogsServiceRequest.
func (s *HTTPSender) Send(ctx context.Context, body []byte) error {
	if s.cfg.Gzip {
		var buf bytes.Buffer
		gz := gzipWriters.Get().(*gzip.Writer)
		gz.Reset(&buf)
		_, err := gz.Write(body)
		if err == nil {
			err = gz.Close()
		}
		gzipWriters.Put(gz)
		if err != nil {
			return err
		}
		body = buf.Bytes()
	}
	_, err := backoff.Retry(ctx, func() (struct{}, error) { return struct{}{}, s.post(ctx, body) },
		backoff.WithBackOff(defaultBackOff()), backoff.WithMaxElapsedTime(time.Minute))
	return err
}

// defaultBackOff is the SDK exporters' default retry schedule.
func defaultBackOff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval = 5*time.Second, 30*time.Second
	return b
}

// userAgent is the SDK's OTLP/HTTP log exporter's, whose requests these are
// in all but how they were encoded.
var userAgent = "OTel Go OTLP over HTTP/protobuf logs exporter/" + otlploghttp.Version()

func (s *HTTPSender) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return backoff.Permanent(err)
	}
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", userAgent)
	if s.cfg.Gzip {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		// As the SDK's exporter: only a temporary network error is worth
		// another try; a refused connection fails the export at once.
		var urlErr *url.Error
		if errors.As(err, &urlErr) && urlErr.Temporary() {
			return err
		}
		return backoff.Permanent(err)
	}
	defer resp.Body.Close()
	respBody, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return backoff.Permanent(partialSuccess(resp.Header, respBody))
	}
	msg := strings.TrimSpace(string(respBody))
	if msg == "" || readErr != nil {
		msg = "(empty)"
	}
	err = fmt.Errorf("failed to send logs to %s: %s (body: %s)", s.cfg.URL, resp.Status, msg)
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if secs, convErr := strconv.Atoi(resp.Header.Get("Retry-After")); convErr == nil && secs > 0 {
			return errors.Join(backoff.RetryAfter(secs), err)
		}
		return err
	default:
		return backoff.Permanent(err)
	}
}

// partialSuccess is the error a successful response's partial success
// reports, as the SDK's exporter reports it, or nil.
func partialSuccess(header http.Header, body []byte) error {
	if len(body) == 0 || header.Get("Content-Type") != "application/x-protobuf" {
		return nil
	}
	var resp colllogspb.ExportLogsServiceResponse
	if err := proto.Unmarshal(body, &resp); err != nil {
		return err
	}
	ps := resp.GetPartialSuccess()
	if ps == nil || (ps.GetRejectedLogRecords() == 0 && ps.GetErrorMessage() == "") {
		return nil
	}
	msg := ps.GetErrorMessage()
	if msg == "" {
		msg = "empty message"
	}
	return fmt.Errorf("OTLP partial success: %s (%d logs rejected)", msg, ps.GetRejectedLogRecords())
}

// Shutdown closes the sender's idle connections.
func (s *HTTPSender) Shutdown(context.Context) error {
	s.client.CloseIdleConnections()
	return nil
}
