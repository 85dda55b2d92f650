package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/seamtel/seam/internal/judge"
)

// writeReportFile writes the self-contained report page.
func writeReportFile(path string, rep judge.Report) error {
	return fmt.Errorf("judge: --html %s: the report page is not built yet", path)
}

// serveReport serves the report page on addr, judging afresh on each load.
func serveReport(addr string, refresh time.Duration, load func(context.Context) (judge.Report, error), stdout io.Writer) error {
	return fmt.Errorf("judge: --serve %s: the report page is not built yet", addr)
}
