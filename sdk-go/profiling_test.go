package seam

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// ingest is the receiving end of Pyroscope's push API: it keeps each
// uploaded profile with the application name it came under.
type ingest struct {
	mu       sync.Mutex
	profiles map[string][][]byte // name query -> decompressed profiles
}

func (in *ingest) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ingest" {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f, _, err := r.FormFile("profile")
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	defer f.Close()
	raw, _ := io.ReadAll(f)
	if zr, err := gzip.NewReader(bytes.NewReader(raw)); err == nil {
		if plain, err := io.ReadAll(zr); err == nil {
			raw = plain
		}
	}
	in.mu.Lock()
	in.profiles[r.URL.Query().Get("name")] = append(in.profiles[r.URL.Query().Get("name")], raw)
	in.mu.Unlock()
}

// Profiling pushes profiles under the service's name and labels, and the
// CPU samples taken inside a span carry its span ID.
func TestProfiling(t *testing.T) {
	in := &ingest{profiles: map[string][][]byte{}}
	srv := httptest.NewServer(in)
	defer srv.Close()
	tel, err := Start(context.Background(), Config{
		ServiceName: "pricing", ServiceVersion: "1.4.2", LogWriter: io.Discard,
		Endpoint: deadEndpoint(t), ExportTimeout: 200 * time.Millisecond,
		Profiling: &ProfilingConfig{ServerAddress: srv.URL, UploadRate: time.Second, Tags: map[string]string{"team": "checkout"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU inside an operation's span so the profiler samples it.
	_ = Measure(context.Background(), "checkout.price", func(context.Context) error {
		deadline := time.Now().Add(1500 * time.Millisecond)
		x := 0
		for time.Now().Before(deadline) {
			for i := range 10000 {
				x ^= i * i
			}
		}
		sink = x
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_ = tel.Shutdown(ctx) // stops the profiler, which uploads what it holds

	in.mu.Lock()
	defer in.mu.Unlock()
	var all [][]byte
	for name, profiles := range in.profiles {
		if !strings.HasPrefix(name, "pricing") {
			t.Errorf("profile pushed under %q", name)
		}
		for _, label := range []string{"seam.impl=go", "service.version=1.4.2", "team=checkout"} {
			if !strings.Contains(name, label) {
				t.Errorf("profile name %q lacks label %s", name, label)
			}
		}
		all = append(all, profiles...)
	}
	if len(in.profiles) == 0 {
		t.Fatal("no profile was pushed")
	}
	labelled := false
	for _, p := range all {
		// Label keys sit in the profile's string table.
		labelled = labelled || bytes.Contains(p, []byte("span_id"))
	}
	if !labelled {
		t.Errorf("no profile (of %d) carries span_id labels; names: %v", len(all), keys(in.profiles))
	}
}

var sink int

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
