package seamhttp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamhttp"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// rustLike answers as a service on the far side of the boundary does: each
// path one outcome.
func rustLike(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/panic", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(seamhttp.ErrorTypeHeader, "panic")
		w.WriteHeader(http.StatusInternalServerError)
	})
	mux.HandleFunc("/unknown-type", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(seamhttp.ErrorTypeHeader, "gremlins")
		w.WriteHeader(http.StatusInternalServerError)
	})
	for path, code := range map[string]int{"/bad": http.StatusBadRequest, "/gateway": http.StatusGatewayTimeout, "/down": http.StatusServiceUnavailable} {
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) })
	}
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get is a call that fetches url and checks the response.
func get(client *http.Client, url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := seamhttp.CheckResponse(resp); err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
}

func newCrossing(t *testing.T, op string, opts seamhttp.CrossingOptions) *seamhttp.Crossing {
	t.Helper()
	c, err := seamhttp.NewCrossing(op, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCrossingRecordsDurationAndFallbacks(t *testing.T) {
	_, reader := seamtest.Start(t)
	srv := rustLike(t)
	client := &http.Client{Transport: seamhttp.Transport(nil)}
	c := newCrossing(t, "test.op", seamhttp.CrossingOptions{Timeout: 50 * time.Millisecond})

	for _, tc := range []struct {
		path     string
		fellBack bool
	}{
		{"/ok", false}, {"/panic", true}, {"/bad", true}, {"/gateway", true},
		{"/down", true}, {"/unknown-type", true}, {"/slow", true},
	} {
		fellBack := false
		err := c.Call(context.Background(), get(client, srv.URL+tc.path), func(ctx context.Context) error {
			fellBack = true
			if role := seam.RoleFrom(ctx); role != seam.RoleFallback {
				t.Errorf("%s: the fallback ran as seam.role=%s, want fallback", tc.path, role)
			}
			return nil
		})
		if err != nil || fellBack != tc.fellBack {
			t.Errorf("%s: err %v, fell back %v; want nil, %v", tc.path, err, fellBack, tc.fellBack)
		}
	}

	durations, got := seamtest.BoundaryCalls(t, reader, "test.op", "http")
	wantDurations := map[string]uint64{"": 1, "panic": 1, "invalid_input": 1, "timeout": 2, "internal": 2}
	if fmt.Sprint(durations) != fmt.Sprint(wantDurations) {
		t.Errorf("%s by error.type = %v, want %v", semconv.SeamBoundaryCallDurationName, durations, wantDurations)
	}
	wantFallbacks := map[string]int64{"panic": 1, "invalid_input": 1, "timeout": 2, "internal": 2}
	if fmt.Sprint(got) != fmt.Sprint(wantFallbacks) {
		t.Errorf("%s = %v, want %v", semconv.SeamBoundaryFallbacksName, got, wantFallbacks)
	}
}

func TestCrossingDoesNotFallBackPastTheCallersDeadline(t *testing.T) {
	_, reader := seamtest.Start(t)
	srv := rustLike(t)
	client := &http.Client{Transport: seamhttp.Transport(nil)}
	c := newCrossing(t, "test.op", seamhttp.CrossingOptions{Timeout: time.Minute})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Call(ctx, get(client, srv.URL+"/slow"), func(context.Context) error {
		t.Error("the fallback ran after the caller's deadline")
		return nil
	})
	if !errors.Is(err, context.DeadlineExceeded) || seam.ErrorType(err) != "timeout" {
		t.Errorf("err = %v, want the deadline", err)
	}
	if _, got := seamtest.BoundaryCalls(t, reader, "test.op", "http"); len(got) != 0 {
		t.Errorf("%s = %v, want none", semconv.SeamBoundaryFallbacksName, got)
	}
	points := seamtest.Histogram(t, reader, semconv.SeamBoundaryCallDurationName)
	if len(points) != 1 {
		t.Fatalf("%d series of %s, want 1", len(points), semconv.SeamBoundaryCallDurationName)
	}
	seamtest.CheckPoint(t, points[0], semconv.LatencyBoundaries, map[string]string{
		"seam.operation": "test.op", "seam.boundary.kind": "http", "error.type": "timeout",
	})
}

func TestCrossingWithoutFallbackReturnsTheError(t *testing.T) {
	_, reader := seamtest.Start(t)
	srv := rustLike(t)
	c := newCrossing(t, "test.op", seamhttp.CrossingOptions{})
	err := c.Call(context.Background(), get(http.DefaultClient, srv.URL+"/panic"), nil)
	var re *seamhttp.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusInternalServerError || re.ErrorType() != "panic" {
		t.Errorf("err = %v, want the 500 as a panic", err)
	}
	if _, got := seamtest.BoundaryCalls(t, reader, "test.op", "http"); len(got) != 0 {
		t.Errorf("%s = %v without a fallback", semconv.SeamBoundaryFallbacksName, got)
	}

	// A fallback that fails too returns both errors.
	err = c.Call(context.Background(), get(http.DefaultClient, srv.URL+"/down"), func(context.Context) error {
		return errors.New("go side down")
	})
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "fallback: go side down") {
		t.Errorf("err = %v, want the response's error and the fallback's", err)
	}
}

func TestCheckResponse(t *testing.T) {
	for _, c := range []struct {
		code   int
		header string
		want   string // error.type; "" for no error
	}{
		{200, "", ""},
		{204, "panic", ""},
		{302, "", ""},
		{400, "", "invalid_input"},
		{404, "", "invalid_input"},
		{408, "", "timeout"},
		{429, "", "internal"},
		{500, "", "internal"},
		{500, "panic", "panic"},
		{500, "timeout", "timeout"},
		{500, "invalid_input", "invalid_input"},
		{500, "gremlins", "internal"},
		{400, "gremlins", "invalid_input"},
		{503, "", "internal"},
		{504, "", "timeout"},
	} {
		resp := &http.Response{StatusCode: c.code, Header: http.Header{}}
		if c.header != "" {
			resp.Header.Set(seamhttp.ErrorTypeHeader, c.header)
		}
		err := seamhttp.CheckResponse(resp)
		if c.want == "" {
			if err != nil {
				t.Errorf("%d %q: %v, want nil", c.code, c.header, err)
			}
			continue
		}
		if got := seam.ErrorType(err); got != c.want {
			t.Errorf("%d %q: error.type %q, want %q (%v)", c.code, c.header, got, c.want, err)
		}
	}
}

func TestNewCrossingRejectsBadArguments(t *testing.T) {
	if _, err := seamhttp.NewCrossing("", seamhttp.CrossingOptions{}); err == nil || !strings.Contains(err.Error(), "operation name is empty") {
		t.Errorf("empty operation: %v", err)
	}
	if _, err := seamhttp.NewCrossing("op", seamhttp.CrossingOptions{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative Timeout -1s for op") {
		t.Errorf("negative timeout: %v", err)
	}
}

// A call records into attribute sets built by NewCrossing: the crossing
// itself allocates nothing per call.
func TestCrossingCallDoesNotAllocate(t *testing.T) {
	seamtest.Start(t)
	c := newCrossing(t, "test.op", seamhttp.CrossingOptions{})
	ctx := context.Background()
	ok := func(context.Context) error { return nil }
	if n := testing.AllocsPerRun(1000, func() { _ = c.Call(ctx, ok, nil) }); n != 0 {
		t.Errorf("%v allocations per call, want 0", n)
	}
}

// BenchmarkCrossingCall: what a Crossing adds to a call that does nothing,
// against recording the same histogram point with the raw OpenTelemetry
// API the way hand-written code does (attributes built per call).
func BenchmarkCrossingCall(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	ctx := context.Background()
	ok := func(context.Context) error { return nil }

	b.Run("raw_otel", func(b *testing.B) {
		h, err := semconv.NewSeamBoundaryCallDuration(mp.Meter("raw"))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			start := time.Now()
			_ = ok(ctx)
			h.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(
				semconv.SeamOperation("bench.op"), semconv.SeamBoundaryKindHTTP))
		}
	})
	b.Run("crossing", func(b *testing.B) {
		c, err := seamhttp.NewCrossing("bench.op", seamhttp.CrossingOptions{MeterProvider: mp})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			_ = c.Call(ctx, ok, nil)
		}
	})
	b.Run("crossing_timeout", func(b *testing.B) {
		c, err := seamhttp.NewCrossing("bench.op", seamhttp.CrossingOptions{MeterProvider: mp, Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			_ = c.Call(ctx, ok, nil)
		}
	})
}
