package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/internal/judge/report"
)

// writeReportFile writes the self-contained report page.
func writeReportFile(path string, rep judge.Report) error {
	var buf bytes.Buffer
	if err := report.Render(&buf, rep, report.Options{}); err != nil {
		return fmt.Errorf("judge: --html %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("judge: --html: %w", err)
	}
	return nil
}

// reportHandler serves the report page, judging afresh (load) on each
// request; the page reloads itself every refresh. A load that fails is a
// 500 page naming the error, which reloads too, so the page recovers when
// the source does.
func reportHandler(refresh time.Duration, load func(context.Context) (judge.Report, error)) http.Handler {
	opts := report.Options{Refresh: refresh}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		var buf bytes.Buffer
		status := http.StatusOK
		rep, err := load(r.Context())
		if err == nil {
			err = report.Render(&buf, rep, opts)
		}
		if err != nil {
			buf.Reset()
			status = http.StatusInternalServerError
			if rerr := report.RenderError(&buf, err, opts); rerr != nil {
				http.Error(w, err.Error(), status)
				return
			}
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(buf.Bytes())
		}
	})
}

// serveReport serves the report page on addr until interrupted.
func serveReport(addr string, refresh time.Duration, load func(context.Context) (judge.Report, error), stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("judge: --serve: %w", err)
	}
	return serveReportOn(ctx, ln, refresh, load, stdout)
}

// serveReportOn serves on ln until ctx is done, then shuts down, letting
// the requests under way finish for a few seconds.
func serveReportOn(ctx context.Context, ln net.Listener, refresh time.Duration, load func(context.Context) (judge.Report, error), stdout io.Writer) error {
	srv := &http.Server{
		Handler:           reportHandler(refresh, load),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(stdout, "serving the judge report on %s (reloading every %v); interrupt to stop\n", pageURL(ln.Addr()), refresh)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("judge: --serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("judge: --serve: %w", err)
		}
	}
	return nil
}

// pageURL is the address a browser on this machine opens: an unspecified
// host (":8080", "0.0.0.0:8080") is reachable as localhost.
func pageURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
