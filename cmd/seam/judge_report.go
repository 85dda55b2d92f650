package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/seamtel/seam/internal/judge"
)

// writeReportFile writes the self-contained report page.
func writeReportFile(path string, rep judge.Report) error {
	return fmt.Errorf("judge: --html %s: the report page is not built yet", path)
}

// reportHandler serves the report page, judging afresh (load) on each
// request; the page reloads itself every refresh.
func reportHandler(refresh time.Duration, load func(context.Context) (judge.Report, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the report page is not built yet", http.StatusNotImplemented)
	})
}

// serveReport serves the report page on addr until interrupted.
func serveReport(addr string, refresh time.Duration, load func(context.Context) (judge.Report, error), stdout io.Writer) error {
	return fmt.Errorf("judge: --serve %s: the report page is not built yet", addr)
}
