package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/internal/judge/report/reporttest"
)

func sampleLoad(t *testing.T) func(context.Context) (judge.Report, error) {
	rep, _, err := reporttest.Sample()
	if err != nil {
		t.Fatal(err)
	}
	return func(context.Context) (judge.Report, error) { return rep, nil }
}

func TestWriteReportFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.html")
	load := sampleLoad(t)
	rep, _ := load(context.Background())
	if err := writeReportFile(path, rep); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if page := string(b); !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, `id="op-0-verdict">PASS<`) || strings.Contains(page, `http-equiv="refresh"`) {
		t.Errorf("not the report page:\n%.400s", page)
	}
	if err := writeReportFile(filepath.Join(t.TempDir(), "no", "such", "dir.html"), rep); err == nil {
		t.Error("writing into a missing folder should fail")
	}
}

// Each request judges afresh; a failed judgement is a 500 page naming the
// error, reloading like the report; only / is the page.
func TestReportHandler(t *testing.T) {
	good := sampleLoad(t)
	calls := 0
	var fail error
	load := func(ctx context.Context) (judge.Report, error) {
		calls++
		if fail != nil {
			return judge.Report{}, fail
		}
		return good(ctx)
	}
	h := reportHandler(7*time.Second, load)
	get := func(method, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w
	}

	w := get("GET", "/")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `<meta http-equiv="refresh" content="7">`) || !strings.Contains(w.Body.String(), "verdict-fail") {
		t.Fatalf("GET /: %d\n%.300s", w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	get("GET", "/")
	if calls != 2 {
		t.Errorf("%d judgements for 2 loads", calls)
	}

	fail = errors.New(`read http://collector:8889/metrics: connection <refused>`)
	w = get("GET", "/")
	if body := w.Body.String(); w.Code != 500 || !strings.Contains(body, "connection &lt;refused&gt;") || !strings.Contains(body, `content="7"`) {
		t.Errorf("failed load: %d\n%s", w.Code, body)
	}

	if w := get("GET", "/favicon.ico"); w.Code != 404 {
		t.Errorf("GET /favicon.ico: %d", w.Code)
	}
	if w := get("POST", "/"); w.Code != 405 {
		t.Errorf("POST /: %d", w.Code)
	}
	fail = nil
	if w := get("HEAD", "/"); w.Code != 200 || w.Body.Len() != 0 {
		t.Errorf("HEAD /: %d, %d bytes", w.Code, w.Body.Len())
	}
}

// syncBuffer is a bytes.Buffer the server goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The server prints where it is, serves the page, and stops cleanly.
func TestServeReport(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- serveReportOn(ctx, ln, time.Second, sampleLoad(t), &out) }()

	url := "http://" + ln.Addr().String() + "/"
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`id="summary"`)) {
		t.Errorf("GET %s: %d\n%.300s", url, resp.StatusCode, body)
	}
	if !strings.Contains(out.String(), url) {
		t.Errorf("printed %q, want the URL %s", out.String(), url)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestServeReportBadAddress(t *testing.T) {
	err := serveReport("256.0.0.1:http", time.Second, sampleLoad(t), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--serve") {
		t.Errorf("got %v", err)
	}
}

func TestPageURL(t *testing.T) {
	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://localhost:8080/",
		"[::]:8080":      "http://localhost:8080/",
		"127.0.0.1:9000": "http://127.0.0.1:9000/",
		"[::1]:9000":     "http://[::1]:9000/",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := pageURL(a); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}
