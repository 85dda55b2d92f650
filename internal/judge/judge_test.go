package judge

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

var base = model{median: 200e-6, sigma: 0.5, errRate: 0.001}

// Calibration: a candidate identical to its baseline is failed at most
// alpha + 2 points of the time, with independent calls and with bursty
// per-interval traffic (where the jackknife carries the standard errors).
func TestCalibration(t *testing.T) {
	const sims = 1000
	for _, c := range []struct {
		name string
		make func(*rand.Rand) Comparison
	}{
		{"independent calls", func(rng *rand.Rand) Comparison { return iid(rng, 10000, base, base) }},
		{"bursty intervals", func(rng *rand.Rand) Comparison { return bursty(rng, 30, 10000, base, base) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			falseFail, err := rate(sims, 1, c.make, Fail)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("A/A false-fail rate over %d comparisons: %.1f%%", sims, 100*falseFail)
			if falseFail > DefaultConfig().Alpha+0.02 {
				t.Errorf("false-fail rate %.1f%%, over alpha + 2 points", 100*falseFail)
			}
		})
	}
}

// Power at 10,000 calls per arm: each regression the judge exists for is
// failed at least 90% of the time.
func TestPower(t *testing.T) {
	const sims, n = 300, 10000
	for _, c := range []struct {
		name      string
		candidate model
	}{
		{"10% slower", model{median: base.median * 1.1, sigma: base.sigma, errRate: base.errRate}},
		{"1% of calls moved past the baseline's p99", model{median: base.median, sigma: base.sigma, errRate: base.errRate, tail: 0.01, tailAt: base.p99()}},
		{"1.5x the spread, the same median", model{median: base.median, sigma: base.sigma * 1.5, errRate: base.errRate}},
		{"errors from 0.1% to 1%", model{median: base.median, sigma: base.sigma, errRate: 0.01}},
	} {
		t.Run(c.name, func(t *testing.T) {
			power, err := rate(sims, 2, func(rng *rand.Rand) Comparison { return iid(rng, n, base, c.candidate) }, Fail)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("power over %d comparisons: %.1f%%", sims, 100*power)
			if power < 0.9 {
				t.Errorf("power %.1f%%, under 90%%", 100*power)
			}
		})
	}
}

// A candidate twice as fast, neither arm failing, passes: an improvement
// is a pass, not a difference. (With 0.1% errors on both sides, 10,000
// calls cannot rule a 0.1-point rise out, and the verdict is inconclusive
// until more traffic arrives.)
func TestImprovementPasses(t *testing.T) {
	clean := model{median: base.median, sigma: base.sigma}
	fast := model{median: base.median / 2, sigma: base.sigma}
	pass, err := rate(100, 3, func(rng *rand.Rand) Comparison { return iid(rng, 10000, clean, fast) }, Pass)
	if err != nil {
		t.Fatal(err)
	}
	if pass < 0.9 {
		t.Errorf("a twice-as-fast candidate passed %.0f%% of the time", 100*pass)
	}
}

func TestVerdictEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	t.Run("no traffic on one side", func(t *testing.T) {
		c := iid(rng, 1000, base, base)
		c.Candidate = newArm()
		r, err := Judge(c, Config{})
		if err != nil || r.Verdict != NoData {
			t.Errorf("verdict %v, %v", r.Verdict, err)
		}
	})
	t.Run("too few calls", func(t *testing.T) {
		r, _ := Judge(iid(rng, 100, base, model{median: base.median * 3, sigma: base.sigma}), Config{})
		if r.Verdict != Inconclusive || !strings.Contains(r.Reason, "fewer than the 500") {
			t.Errorf("verdict %v: %s", r.Verdict, r.Reason)
		}
	})
	t.Run("a panic fails", func(t *testing.T) {
		c := iid(rng, 5000, base, model{median: base.median / 2, sigma: base.sigma})
		c.Candidate.Panics = 1
		r, _ := Judge(c, Config{})
		if r.Verdict != Fail || !strings.Contains(r.Reason, "panic") {
			t.Errorf("verdict %v: %s", r.Verdict, r.Reason)
		}
	})
	t.Run("every call errored", func(t *testing.T) {
		c := iid(rng, 5000, base, model{errRate: 1})
		r, _ := Judge(c, Config{})
		if r.Verdict != Fail {
			t.Errorf("a candidate whose every call failed: %v: %s", r.Verdict, r.Reason)
		}
	})
	t.Run("different layouts", func(t *testing.T) {
		c := iid(rng, 100, base, base)
		c.Candidate.Latency = Histogram{Bounds: []float64{1}, Counts: []uint64{1, 1}}
		if _, err := Judge(c, Config{}); !errors.Is(err, ErrLayouts) {
			t.Errorf("err %v, want ErrLayouts", err)
		}
	})
	t.Run("a regression names its measure", func(t *testing.T) {
		r, _ := Judge(iid(rng, 10000, base, model{median: base.median * 1.5, sigma: base.sigma, errRate: base.errRate}), Config{})
		if r.Verdict != Fail || !strings.Contains(r.Reason, "over the margin") {
			t.Errorf("verdict %v: %s", r.Verdict, r.Reason)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("the result does not encode: %v", err)
		}
	})
}

// Quantile intervals come from bucket ranks: they are unions of whole
// buckets, and the point's bucket lies inside them.
func TestQuantileIntervalsAreBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	r, _ := Judge(iid(rng, 10000, base, base), Config{})
	onBound := func(x Num) bool {
		for _, b := range bounds {
			if float64(x) == b {
				return true
			}
		}
		return false
	}
	for _, q := range r.Baseline.Quantiles {
		if !onBound(q.Bucket.Lo) || !onBound(q.Bucket.Hi) || !onBound(q.CI.Lo) || !onBound(q.CI.Hi) {
			t.Errorf("p%g: %+v not on bucket bounds", q.Q*100, q)
		}
		if q.CI.Lo > q.Bucket.Lo || q.CI.Hi < q.Bucket.Hi {
			t.Errorf("p%g: interval %+v does not hold the point's bucket %+v", q.Q*100, q.CI, q.Bucket)
		}
	}
}

// One operation's verdict from a million calls per arm costs O(buckets).
func BenchmarkJudge(b *testing.B) {
	rng := rand.New(rand.NewPCG(6, 6))
	c := iid(rng, 1_000_000, base, model{median: base.median * 1.05, sigma: base.sigma, errRate: base.errRate})
	b.ResetTimer()
	for b.Loop() {
		if _, err := Judge(c, Config{}); err != nil {
			b.Fatal(err)
		}
	}
}
