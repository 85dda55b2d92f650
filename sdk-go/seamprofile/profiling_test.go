package seamprofile

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

	seam "github.com/seamtel/seam/sdk-go"
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
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName: "pricing", ServiceVersion: "1.4.2", LogWriter: io.Discard,
		Endpoint: "http://127.0.0.1:1", ExportTimeout: 200 * time.Millisecond,
		Extensions: []seam.Extension{New(Config{ServerAddress: srv.URL, UploadRate: time.Second, Tags: map[string]string{"team": "checkout"}})},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU inside an operation's span so the profiler samples it.
	_ = seam.Measure(context.Background(), "checkout.price", func(context.Context) error {
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

// A bad Config is refused by seam.Start, named with the other problems.
func TestStartRefusesABadConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "seamprofile: Config.ServerAddress: required"},
		{Config{ServerAddress: "pyroscope"}, "seamprofile: Config.ServerAddress: want a URL"},
		{Config{ServerAddress: "http://p:4040", UploadRate: -1}, "seamprofile: Config.UploadRate"},
	} {
		_, err := seam.Start(context.Background(), seam.Config{Extensions: []seam.Extension{New(c.cfg)}})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Config.ServiceName") {
			t.Errorf("%+v: error %v, want %q with the other problems", c.cfg, err, c.want)
		}
	}
}
