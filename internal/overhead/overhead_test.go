package overhead

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestQuantileIsTheNearestRank(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 100; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	if got := quantile(sorted, 0.50); got != 50*time.Millisecond {
		t.Errorf("p50 = %v, want 50ms", got)
	}
	if got := quantile(sorted, 0.99); got != 99*time.Millisecond {
		t.Errorf("p99 = %v, want 99ms", got)
	}
	if got := quantile(nil, 0.99); got != 0 {
		t.Errorf("p99 of nothing = %v, want 0", got)
	}
}

const ms = time.Millisecond

// run is a measured run of 100 requests at p50 and p99, 1 ms of CPU each.
func run(variant string, m Mode, round int, p50, p99, lag time.Duration) RunResult {
	return RunResult{Variant: variant, Mode: m, Round: round, OK: 100, P50: p50, P99: p99, CPU: 100 * ms, LagP99: lag, LagMax: lag}
}

func TestSummaryPairsEachRoundWithItsBaselineAndSetsBusyRoundsAside(t *testing.T) {
	rep := &Report{MaxLag: ms}
	for _, r := range []RunResult{
		run("", NoSeam, 1, 1*ms, 2*ms, 0),
		run("", CollectorUp, 1, 1*ms, 3*ms, 0), // 1.5× its round's no_seam
		run("", NoSeam, 2, 1*ms, 4*ms, 0),
		run("", CollectorUp, 2, 1*ms, 4*ms, 0), // 1×
		run("", NoSeam, 3, 1*ms, 100*ms, 0),
		run("", CollectorUp, 3, 1*ms, 10*ms, 5*ms), // busy: the whole round 3 goes
		run("", NoSeam, 4, 1*ms, 10*ms, 0),
		run("", CollectorUp, 4, 1*ms, 12*ms, 0), // 1.2×
		run("before", NoSeam, 1, 1*ms, 1*ms, 0),
		run("before", CollectorUp, 1, 1*ms, 5*ms, 0), // paired with before's no_seam: 5×
	} {
		rep.add(r, []time.Duration{r.P50, r.P99})
	}
	rep.summarize()
	if len(rep.Busy) != 1 || rep.Busy[0] != 3 {
		t.Fatalf("busy rounds %v, want [3]", rep.Busy)
	}
	if len(rep.Summaries) != 4 {
		t.Fatalf("%d summaries, want 4: %+v", len(rep.Summaries), rep.Summaries)
	}
	up := rep.Summaries[1]
	if up.Variant != "" || up.Mode != CollectorUp || up.Rounds != 3 {
		t.Fatalf("second summary %+v, want the main binary's collector_up over rounds 1, 2 and 4", up)
	}
	if up.P99 != 4*ms {
		t.Errorf("p99 = %v, want the median of 3, 4 and 12 ms", up.P99)
	}
	if up.P99Ratio.Median != 1.2 || up.P99Ratio.Min != 1 || up.P99Ratio.Max != 1.5 || up.P99Ratio.N != 3 {
		t.Errorf("p99 ratio %+v, want median 1.2 of 1.5, 1 and 1.2", up.P99Ratio)
	}
	if up.CPUPerRequest != ms || up.CPUMedian != ms || up.CPURatio.Median != 1 {
		t.Errorf("CPU %v per request, ratio %+v, want 1ms and 1×", up.CPUPerRequest, up.CPURatio)
	}
	if before := rep.Summaries[3]; before.Variant != "before" || before.P99Ratio.Median != 5 {
		t.Errorf("before's collector_up %+v, want its p99 ratio against before's own no_seam, 5×", before)
	}
}

func TestLoadKeepsItsScheduleAndMeasuresItsLag(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"total_cents":1}`))
	}))
	defer srv.Close()
	start := time.Now()
	s, err := load(context.Background(), srv.URL, 200, 250*ms)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 245*ms {
		t.Errorf("50 requests at 200/s sent in %v, want about 250 ms", took)
	}
	if len(s.latencies) != 50 || len(s.lags) != 50 || s.failed != 0 {
		t.Errorf("%d answered, %d lags, %d failed; want 50, 50, 0", len(s.latencies), len(s.lags), s.failed)
	}
}

func TestAllRoundsSummaryKeepsTheBusyOnes(t *testing.T) {
	rep := &Report{MaxLag: ms}
	rep.add(run("", NoSeam, 1, ms, 2*ms, 5*ms), nil)
	rep.add(run("", CollectorUp, 1, ms, 4*ms, 0), nil)
	rep.summarize()
	if rep.Summaries[1].Rounds != 0 || rep.All[1].Rounds != 1 || rep.All[1].P99Ratio.Median != 2 {
		t.Errorf("quiet %+v, all %+v: want round 1 only in every round's, at 2×", rep.Summaries[1], rep.All[1])
	}
	var out strings.Builder
	rep.Format(&out)
	if !strings.Contains(out.String(), "| 1 (busy) |") || !strings.Contains(out.String(), "2.000× [2.000–2.000]") {
		t.Errorf("the report does not flag round 1 or show its ratio:\n%s", out.String())
	}
}
