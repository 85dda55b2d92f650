package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/internal/judge/promsource"
)

// judgeOptions are judge's flags.
type judgeOptions struct {
	metrics, since, prometheus *string
	window, step               *time.Duration
	asJSON                     *bool
	baseline, candidate        *string
	margin, alpha              *float64
	minCalls                   *uint64
	html, serve                *string
	refresh                    *time.Duration
}

func judgeFlags(fs *flag.FlagSet) judgeOptions {
	return judgeOptions{
		metrics:    fs.String("metrics", "", "a Prometheus text exposition to judge: a `file` or an http(s) URL (the collector's /metrics)"),
		since:      fs.String("since", "", "an earlier exposition of the same source: judge only the increase since it"),
		prometheus: fs.String("prometheus", "", "a Prometheus server `URL` to judge a window of, per step"),
		window:     fs.Duration("window", 30*time.Minute, "with --prometheus, how far back to judge"),
		step:       fs.Duration("step", time.Minute, "with --prometheus, the interval the robust standard errors resample"),
		asJSON:     fs.Bool("json", false, "print one JSON object per operation, in a report"),
		baseline:   fs.String("baseline", promsource.DefaultArms.Baseline, "the seam_impl of the baseline arm"),
		candidate:  fs.String("candidate", promsource.DefaultArms.Candidate, "the seam_impl of the candidate arm"),
		margin:     fs.Float64("margin", judge.DefaultConfig().Margin, "the regression allowed, relative (0.1 is 10%)"),
		alpha:      fs.Float64("alpha", judge.DefaultConfig().Alpha, "the chance of failing a candidate that does not regress, per operation"),
		minCalls:   fs.Uint64("min-calls", judge.DefaultConfig().MinCalls, "calls each arm needs before a pass or a fail"),
		html:       fs.String("html", "", "also write the report page to this `file` (self-contained, works offline)"),
		serve:      fs.String("serve", "", "serve the report page live on this `address`, judging afresh on each load"),
		refresh:    fs.Duration("refresh", 10*time.Second, "with --serve, how often the page reloads itself"),
	}
}

// judge's exit statuses beyond 0 (every operation passes) and 1 (one fails).
const (
	exitBadInput     = 2
	exitInconclusive = 3
)

// exitError carries an exit status through run.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func judgeCommand(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("judge", stderr)
	o := judgeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if (*o.metrics == "") == (*o.prometheus == "") {
		return usageError{"judge: give exactly one of --metrics or --prometheus"}
	}
	if *o.since != "" && *o.metrics == "" {
		return usageError{"judge: --since goes with --metrics"}
	}
	cfg := judge.Config{Margin: *o.margin, Alpha: *o.alpha, MinCalls: *o.minCalls}
	load := func(ctx context.Context) (judge.Report, error) { return judgeOnce(ctx, o, cfg) }
	if *o.serve != "" {
		return serveReport(*o.serve, *o.refresh, load, stdout)
	}
	rep, err := load(context.Background())
	if err != nil {
		return exitError{exitBadInput, err}
	}
	if *o.html != "" {
		if err := writeReportFile(*o.html, rep); err != nil {
			return err
		}
	}
	if *o.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeVerdictTable(stdout, rep)
	}
	counts := rep.Counts()
	switch {
	case counts[judge.Fail] > 0:
		return errFailed
	case counts[judge.Inconclusive] > 0 || counts[judge.NoData] > 0:
		return exitError{exitInconclusive, errQuiet}
	}
	return nil
}

// errQuiet is an exit status with nothing more to say.
var errQuiet = errors.New("")

// judgeOnce reads the source and judges every operation in it.
func judgeOnce(ctx context.Context, o judgeOptions, cfg judge.Config) (judge.Report, error) {
	arms := promsource.Arms{Baseline: *o.baseline, Candidate: *o.candidate}
	var comps []judge.Comparison
	var skipped []string
	var source string
	if *o.prometheus != "" {
		source = fmt.Sprintf("%s, the last %v in %v steps", *o.prometheus, *o.window, *o.step)
		var err error
		if comps, skipped, err = promsource.Window(ctx, *o.prometheus, *o.window, *o.step, arms); err != nil {
			return judge.Report{}, err
		}
	} else {
		source = *o.metrics
		now, err := promsource.Read(ctx, *o.metrics)
		if err != nil {
			return judge.Report{}, err
		}
		var since *promsource.Snapshot
		if *o.since != "" {
			source += " since " + *o.since
			if since, err = promsource.Read(ctx, *o.since); err != nil {
				return judge.Report{}, err
			}
		}
		if comps, skipped, err = now.Comparisons(since, arms); err != nil {
			return judge.Report{}, fmt.Errorf("%s: %w", *o.metrics, err)
		}
	}
	rep := judge.Report{Generated: time.Now().UTC(), Source: source, Config: cfg, Skipped: skipped}
	for _, c := range comps {
		r, err := judge.Judge(c, cfg)
		if err != nil {
			return judge.Report{}, err
		}
		rep.Operations = append(rep.Operations, judge.OperationReport{
			Result: r, BaselineLatency: c.Baseline.Latency, CandidateLatency: c.Candidate.Latency,
		})
	}
	if len(rep.Operations) == 0 {
		return judge.Report{}, fmt.Errorf("no operation has both a seam_impl=%s and a seam_impl=%s arm in the source (%s)",
			arms.Baseline, arms.Candidate, strings.Join(skipped, "; "))
	}
	return rep, nil
}

// writeVerdictTable prints the report for people.
func writeVerdictTable(w io.Writer, rep judge.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPERATION\tVERDICT\tCALLS (BASE/CAND)\tP50\tP99\tERRORS\tREASON")
	for _, o := range rep.Operations {
		name := o.Operation
		if o.Service != "" {
			name = o.Service + "/" + name
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%s\t%.2f%%/%.2f%%\t%s\n", name, strings.ToUpper(string(o.Verdict)),
			o.Baseline.Calls, o.Candidate.Calls, quantileCell(o.Result, 0), quantileCell(o.Result, 2),
			100*o.Baseline.ErrorRatio, 100*o.Candidate.ErrorRatio, o.Reason)
	}
	tw.Flush()
	c := rep.Counts()
	fmt.Fprintf(w, "\n%d pass, %d fail, %d inconclusive, %d no data (%s)\n",
		c[judge.Pass], c[judge.Fail], c[judge.Inconclusive], c[judge.NoData], rep.Source)
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "not judged: %s\n", s)
	}
}

// quantileCell is "baseline bucket → candidate bucket" for quantile i.
func quantileCell(r judge.Result, i int) string {
	if i >= len(r.Baseline.Quantiles) || i >= len(r.Candidate.Quantiles) {
		return "-"
	}
	return bucketText(r.Baseline.Quantiles[i].Bucket) + " → " + bucketText(r.Candidate.Quantiles[i].Bucket)
}

func bucketText(b judge.Bucket) string {
	hi := float64(b.Hi)
	if math.IsInf(hi, 1) {
		return ">" + durationText(float64(b.Lo))
	}
	return "≤" + durationText(hi)
}

func durationText(s float64) string {
	return time.Duration(s * float64(time.Second)).String()
}
