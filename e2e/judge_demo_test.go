package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/seamtel/seam/internal/loadgen"
	"github.com/seamtel/seam/internal/stack"
)

// The pricing operations the judge compares, Go baseline against Rust
// candidate, in the orchestrator's service.
var judgedOperations = []string{"pricing.fingerprint", "pricing.quote"}

// With the demo's traffic the judge sees what the demo promises: both
// operations' arms resolved to a bucket within 60 s, Rust faster than Go on
// pricing.fingerprint, a verdict for each operation (never a pass for
// pricing.quote, where Rust is not faster); the slow fault adds
// latency to the Rust side until pricing.fingerprint fails; once the fault
// is off, the traffic since then no longer fails it.
func TestJudgeFollowsTheSlowFault(t *testing.T) {
	start := time.Now()
	st := startStack(t, "quote=50", "fingerprint=50")
	// startStack's 40 requests a second plus these are the demo's default
	// 120, with its quarter of fingerprints over HTTP.
	moreLoad(t, st, 80, 0.25)

	// Within 60 s every arm has the judge's 500 calls and its median in a
	// bucket at most 1.5x wide that is not the first one; the fingerprint's
	// Rust median lies below Go's.
	ctx, cancel := context.WithDeadline(context.Background(), start.Add(60*time.Second))
	defer cancel()
	var arms map[string]map[string]buckets
	for {
		var err error
		arms, err = readArms(scrape(ctx, st.MetricsURL))
		if err == nil {
			err = armsResolved(arms)
		}
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("after 60 s: %v", err)
		}
		time.Sleep(2 * time.Second)
	}
	for _, op := range judgedOperations {
		for _, impl := range []string{"go", "rust"} {
			b := arms[op][impl]
			lo, hi, _ := b.median()
			t.Logf("%s %s after %v: %d calls, median in (%s, %s]", op, impl, time.Since(start).Round(time.Second), b.total(), secs(lo), secs(hi))
		}
	}
	_, goLo, _ := arms["pricing.fingerprint"]["go"].median()
	if _, rustHi, _ := arms["pricing.fingerprint"]["rust"].median(); rustHi > goLo {
		t.Errorf("pricing.fingerprint: Rust's median bucket ends at %s, above the start of Go's (%s): Rust is not faster", secs(rustHi), secs(goLo))
	}

	rep := judgeJSON(t, st.MetricsURL, "")
	for _, op := range judgedOperations {
		o := rep.operation(op)
		switch {
		case o == nil:
			t.Fatalf("seam judge gives no verdict for %s: %+v", op, rep)
		case o.Verdict != "pass" && o.Verdict != "fail" && o.Verdict != "inconclusive":
			t.Errorf("%s: verdict %q with %d/%d calls: %s", op, o.Verdict, o.Baseline.Calls, o.Candidate.Calls, o.Reason)
		case op == "pricing.quote" && o.Verdict == "pass":
			t.Errorf("pricing.quote passes: Rust is not faster there: %s", o.Reason)
		}
		t.Logf("%s: %s (%d/%d calls): %s", op, o.Verdict, o.Baseline.Calls, o.Candidate.Calls, o.Reason)
	}

	// The slow fault: a fifth of the Rust calls wait 30 ms first. The judge
	// reading the whole run fails pricing.fingerprint within two minutes.
	setFaults(t, st, "slow=0.2&slow_ms=30")
	faultOn := time.Now()
	// What the collector shows from here on was all recorded under the fault.
	time.Sleep(3 * time.Second)
	before, err := readArms(scrape(context.Background(), st.MetricsURL))
	if err != nil {
		t.Fatal(err)
	}
	for {
		rep = judgeJSON(t, st.MetricsURL, "")
		if o := rep.operation("pricing.fingerprint"); o != nil && o.Verdict == "fail" {
			t.Logf("pricing.fingerprint fails %v after the fault: %s", time.Since(faultOn).Round(time.Second), o.Reason)
			break
		}
		if time.Since(faultOn) > 2*time.Minute {
			t.Fatalf("pricing.fingerprint does not fail within 2 minutes of the slow fault: %+v", rep.operation("pricing.fingerprint"))
		}
		time.Sleep(2 * time.Second)
	}
	// It is the Rust side that slowed down, by the fault's 30 ms.
	time.Sleep(time.Until(faultOn.Add(13 * time.Second)))
	after, err := readArms(scrape(context.Background(), st.MetricsURL))
	if err != nil {
		t.Fatal(err)
	}
	for _, impl := range []string{"go", "rust"} {
		d := after["pricing.fingerprint"][impl].minus(before["pricing.fingerprint"][impl])
		slow, slower, n := d.above(0.02), d.above(0.04), d.total()
		t.Logf("pricing.fingerprint %s with the fault: %d of %d calls over 20 ms, %d over 40 ms", impl, slow, n, slower)
		switch {
		case n == 0:
			t.Errorf("pricing.fingerprint %s: no calls while the fault was on", impl)
		case impl == "rust" && (float64(slow) < 0.1*float64(n) || 2*slower > slow):
			t.Errorf("pricing.fingerprint rust: %d of %d calls over 20 ms, %d over 40 ms, with slow=0.2&slow_ms=30", slow, n, slower)
		case impl == "go" && float64(slow) > 0.02*float64(n):
			t.Errorf("pricing.fingerprint go: %d of %d calls over 20 ms; the fault is on the Rust side only", slow, n)
		}
	}

	// The fault off, the traffic since then does not fail the fingerprint:
	// it passes once both arms have enough calls, or is inconclusive.
	setFaults(t, st, "slow=0")
	time.Sleep(3 * time.Second) // the calls slowed before, exported
	since := filepath.Join(t.TempDir(), "since.prom")
	if err := os.WriteFile(since, []byte(scrape(context.Background(), st.MetricsURL)), 0o644); err != nil {
		t.Fatal(err)
	}
	faultOff := time.Now()
	for {
		time.Sleep(10 * time.Second)
		rep = judgeJSON(t, st.MetricsURL, since)
		o := rep.operation("pricing.fingerprint")
		if o == nil {
			t.Fatalf("no verdict for pricing.fingerprint since the fault went off: %+v", rep)
		}
		if o.Verdict != "pass" && o.Verdict != "inconclusive" {
			t.Fatalf("pricing.fingerprint since the fault went off: %s (%d/%d calls): %s", o.Verdict, o.Baseline.Calls, o.Candidate.Calls, o.Reason)
		}
		if o.Verdict == "pass" || time.Since(faultOff) > 70*time.Second {
			t.Logf("pricing.fingerprint %v after the fault went off: %s (%d/%d calls): %s",
				time.Since(faultOff).Round(time.Second), o.Verdict, o.Baseline.Calls, o.Candidate.Calls, o.Reason)
			if q := rep.operation("pricing.quote"); q == nil || q.Verdict == "pass" {
				t.Errorf("pricing.quote over the same traffic: %+v; Rust is not faster there", q)
			} else {
				t.Logf("pricing.quote over the same traffic: %s: %s", q.Verdict, q.Reason)
			}
			return
		}
	}
}

// moreLoad adds a load generator to the stack's own until the test ends.
func moreLoad(t *testing.T, st *stack.Stack, rate, httpShare float64) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = loadgen.Run(ctx, loadgen.Config{URL: st.OrchestratorURL, Rate: rate, HTTPShare: httpShare, Seed: 11}, &loadgen.Stats{})
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func setFaults(t *testing.T, st *stack.Stack, query string) {
	t.Helper()
	resp, err := http.Post(st.OrchestratorURL+"/admin/faults?"+query, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /admin/faults?%s: %s", query, resp.Status)
	}
}

// judgeReport is the part of seam judge --json the tests read.
type judgeReport struct {
	Operations []judgedOperation `json:"operations"`
}

type judgedOperation struct {
	Operation string `json:"operation"`
	Service   string `json:"service"`
	Verdict   string `json:"verdict"`
	Reason    string `json:"reason"`
	Baseline  struct {
		Calls uint64 `json:"calls"`
	} `json:"baseline"`
	Candidate struct {
		Calls uint64 `json:"calls"`
	} `json:"candidate"`
}

// operation is the orchestrator's op, or nil.
func (r judgeReport) operation(op string) *judgedOperation {
	for i, o := range r.Operations {
		if o.Operation == op && o.Service == "pricing" {
			return &r.Operations[i]
		}
	}
	return nil
}

// judgeJSON runs seam judge --metrics URL [--since FILE] --json; exit 1 (a
// fail) and 3 (inconclusive) are verdicts too.
func judgeJSON(t *testing.T, metricsURL, since string) judgeReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []string{"judge", "--metrics", metricsURL, "--json"}
	if since != "" {
		args = append(args, "--since", since)
	}
	out, err := exec.CommandContext(ctx, seamBin, args...).Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 3)) {
		t.Fatalf("seam %s: %v\n%s%s", strings.Join(args, " "), err, out, stderrOf(err))
	}
	var rep judgeReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("seam judge --json: not a report: %v\n%s", err, out)
	}
	return rep
}

// buckets is one arm's successful calls: cumulative counts by upper bound,
// as the exposition gives them.
type buckets map[float64]uint64

// bounds are the upper bounds, ascending (+Inf last).
func (b buckets) bounds() []float64 {
	out := make([]float64, 0, len(b))
	for le := range b {
		out = append(out, le)
	}
	sort.Float64s(out)
	return out
}

func (b buckets) total() uint64 { return b[math.Inf(1)] }

// median is the bucket (lo, hi] holding the median call and its index.
func (b buckets) median() (lo, hi float64, index int) {
	n := b.total()
	rank := (n + 1) / 2
	lo = math.Inf(-1)
	for i, le := range b.bounds() {
		if b[le] >= rank && n > 0 {
			return lo, le, i
		}
		lo = le
	}
	return lo, math.Inf(1), -1
}

// above counts the calls over bound, which must be a bucket bound.
func (b buckets) above(bound float64) uint64 { return b.total() - b[bound] }

func (b buckets) minus(prev buckets) buckets {
	out := buckets{}
	for le, c := range b {
		out[le] = c - min(c, prev[le])
	}
	return out
}

// readArms sums the orchestrator's successful calls per operation and
// seam_impl, over every series of the exposition (one per process and
// role), as the judge does.
func readArms(exposition string) (map[string]map[string]buckets, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(exposition))
	if err != nil {
		return nil, err
	}
	fam := fams["seam_operation_duration_seconds"]
	if fam == nil {
		return nil, errors.New("no seam_operation_duration_seconds histogram yet")
	}
	arms := map[string]map[string]buckets{}
	for _, m := range fam.GetMetric() {
		l := labels(m)
		if l["service_name"] != "pricing" || l["seam_role"] == "shadow" || l["error_type"] != "" {
			continue
		}
		op, impl := l["seam_operation"], l["seam_impl"]
		if arms[op] == nil {
			arms[op] = map[string]buckets{}
		}
		if arms[op][impl] == nil {
			arms[op][impl] = buckets{}
		}
		h := m.GetHistogram()
		for _, bk := range h.GetBucket() {
			if !math.IsInf(bk.GetUpperBound(), 1) {
				arms[op][impl][bk.GetUpperBound()] += bk.GetCumulativeCount()
			}
		}
		arms[op][impl][math.Inf(1)] += h.GetSampleCount()
	}
	return arms, nil
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// armsResolved says why the judged operations' arms are not yet resolved:
// fewer than 500 calls, or a median in the first bucket or in one wider
// than 1.5x.
func armsResolved(arms map[string]map[string]buckets) error {
	for _, op := range judgedOperations {
		for _, impl := range []string{"go", "rust"} {
			b := arms[op][impl]
			if n := b.total(); n < 500 {
				return fmt.Errorf("%s %s: %d calls, fewer than 500", op, impl, n)
			}
			lo, hi, i := b.median()
			if i <= 0 || !(lo > 0) || hi/lo > 1.5 {
				return fmt.Errorf("%s %s: median in bucket %d, (%s, %s]", op, impl, i, secs(lo), secs(hi))
			}
		}
	}
	return nil
}

func secs(s float64) string {
	if math.IsInf(s, 0) {
		return fmt.Sprint(s)
	}
	return time.Duration(s * float64(time.Second)).String()
}
