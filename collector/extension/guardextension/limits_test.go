package guardextension

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component/componenttest"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// guarded is the guard's HTTP middleware around next.
func guarded(t *testing.T, cfg *Config, next http.Handler) http.Handler {
	t.Helper()
	g, err := newGuard(cfg, componenttest.NewNopTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	wrap, err := g.GetHTTPHandler(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h, err := wrap(context.Background(), next)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func post(h http.Handler, body []byte) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/v1/traces", bytes.NewReader(body)))
	return w
}

func TestInFlightBytesRefusesWhatWouldPassTheBound(t *testing.T) {
	release := make(chan struct{})
	held := make(chan struct{})
	h := guarded(t, &Config{MaxNestingDepth: 128, MaxInFlightBytes: 1 << 20}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held <- struct{}{}
		<-release
	}))
	// One request of 768 KiB is in flight: another of 512 KiB would pass 1 MiB.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); post(h, make([]byte, 768<<10)) }()
	<-held
	w := post(h, make([]byte, 512<<10))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "max_in_flight_bytes") || w.Header().Get("Retry-After") == "" {
		t.Errorf("second request: %d %q", w.Code, w.Body.String())
	}
	close(release)
	wg.Wait()
	// Once the first is done, its bytes are given back.
	go func() { <-held }()
	if w := post(h, make([]byte, 900<<10)); w.Code != http.StatusOK {
		t.Errorf("after the first finished: %d %q", w.Code, w.Body.String())
	}
}

func TestConcurrentRequestsRefusesOneMore(t *testing.T) {
	release := make(chan struct{})
	held := make(chan struct{})
	h := guarded(t, &Config{MaxNestingDepth: 128, MaxConcurrentRequests: 2}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held <- struct{}{}
		<-release
	}))
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); post(h, []byte{}) }()
		<-held
	}
	if w := post(h, []byte{}); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "max_concurrent_requests") {
		t.Errorf("third request: %d %q", w.Code, w.Body.String())
	}
	close(release)
	wg.Wait()
}

func TestBodyOverTheSizeLimitAnswers413(t *testing.T) {
	inner := guarded(t, &Config{MaxNestingDepth: 128}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1000)
		inner.ServeHTTP(w, r)
	})
	if w := post(h, make([]byte, 5000)); w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "larger than 1000 bytes") {
		t.Errorf("%d %q", w.Code, w.Body.String())
	}
}

func TestGRPCConcurrentRequestsRefusesOneMoreAsUnavailable(t *testing.T) {
	g, err := newGuard(&Config{MaxNestingDepth: 128, MaxConcurrentRequests: 1}, componenttest.NewNopTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	first, end := context.WithCancel(context.Background())
	if _, err := g.tap(first, &tap.Info{}); err != nil {
		t.Fatalf("first stream: %v", err)
	}
	_, err = g.tap(context.Background(), &tap.Info{})
	if status.Code(err) != codes.Unavailable || !strings.Contains(err.Error(), "max_concurrent_requests") {
		t.Errorf("second stream: %v", err)
	}
	// The first stream's end gives its slot back.
	end()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithCancel(context.Background())
		_, err := g.tap(ctx, &tap.Info{})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot was not given back: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestValidateNamesBadLimits(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{MaxNestingDepth: 128, MaxInFlightBytes: -1}, "max_in_flight_bytes"},
		{Config{MaxNestingDepth: 128, MaxConcurrentRequests: -1}, "max_concurrent_requests"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c.cfg, err)
		}
	}
}
