package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/seamtel/seam/internal/judge"
)

// defaultReportAddr is where the demo serves the judge's report page
// unless --free-ports or --report-addr says otherwise.
const defaultReportAddr = "127.0.0.1:9465"

// demoReportRefresh is how often the demo's report page reloads itself.
const demoReportRefresh = 5 * time.Second

// demoJudge judges the collector's exposition at metricsURL with seam
// judge's defaults, as `seam judge --metrics URL` does.
func demoJudge(metricsURL string) func(context.Context) (judge.Report, error) {
	fs := flag.NewFlagSet("judge", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := judgeFlags(fs)
	*o.metrics = metricsURL
	cfg := judge.Config{Margin: *o.margin, Alpha: *o.alpha, MinCalls: *o.minCalls}
	return func(ctx context.Context) (judge.Report, error) { return judgeOnce(ctx, o, cfg) }
}

// reportServer serves the live report page on loopback.
type reportServer struct {
	URL    string
	srv    *http.Server
	served chan error
	stop   sync.Once
	err    error
}

// startReportServer listens on addr and serves the report page judged
// afresh by load on each request.
func startReportServer(addr string, load func(context.Context) (judge.Report, error)) (*reportServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("report page: %w (--free-ports picks a free port)", err)
	}
	rs := &reportServer{
		URL:    "http://" + ln.Addr().String() + "/",
		srv:    &http.Server{Handler: reportHandler(demoReportRefresh, load), ReadHeaderTimeout: 10 * time.Second},
		served: make(chan error, 1),
	}
	go func() { rs.served <- rs.srv.Serve(ln) }()
	return rs, nil
}

// Stop closes the server, waiting a little for requests in flight; later
// calls return the first one's error.
func (rs *reportServer) Stop() error {
	rs.stop.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		rs.err = rs.srv.Shutdown(ctx)
		if serveErr := <-rs.served; !errors.Is(serveErr, http.ErrServerClosed) {
			rs.err = errors.Join(rs.err, serveErr)
		}
	})
	return rs.err
}

// printFinalVerdicts judges the run once more and prints the table.
func printFinalVerdicts(w io.Writer, load func(context.Context) (judge.Report, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := load(ctx)
	if err != nil {
		fmt.Fprintf(w, "\nno verdict: %v\n", err)
		return
	}
	fmt.Fprintln(w, "\nseam judge, Rust candidate against Go baseline, over the whole run:")
	writeVerdictTable(w, rep)
}
