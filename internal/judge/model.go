package judge

import "math"

// Arm is one implementation's side of an operation over a window.
type Arm struct {
	// Latency is the durations of the calls that succeeded: a fast failure
	// must not make an arm look quick (errors are judged on their own).
	Latency Histogram `json:"-"`
	// Calls counts every call, Errors those that ended with an error class.
	Calls  uint64 `json:"calls"`
	Errors uint64 `json:"errors"`
	// Panics are the boundary panics counted for the operation on this side;
	// Fallbacks the calls the Go fallback served instead.
	Panics    uint64 `json:"panics"`
	Fallbacks uint64 `json:"fallbacks"`
	// Mismatches are shadow comparisons that disagreed (the candidate's).
	Mismatches uint64 `json:"mismatches"`
}

// Interval is both arms' counts during one time interval.
type Interval struct {
	Baseline, Candidate Arm
}

// Comparison is what is judged of one operation.
type Comparison struct {
	Operation string
	// Service is the service.name the operation was recorded under.
	Service string
	// Baseline and Candidate are the totals over the window.
	Baseline, Candidate Arm
	// Intervals, when given, are the same counts per interval (at least
	// MinIntervals of them); the standard errors then come from a
	// delete-one-interval jackknife instead of assuming independent calls.
	Intervals []Interval
	// FromShadow says the candidate's arm is its shadow runs (seam.role=
	// shadow): it served nothing in the window, and ran beside the
	// baseline on the same calls instead.
	FromShadow bool
	// Decisions counts the rollout's routing decisions per arm, when the
	// operation runs through one (seam.rollout.decisions).
	Decisions *Decisions
}

// Decisions are a rollout's routing decisions over the window.
type Decisions struct {
	Baseline, Candidate uint64
}

// Share is the candidate's share of the decisions, or NaN without any.
func (d Decisions) Share() float64 {
	if n := d.Baseline + d.Candidate; n > 0 {
		return float64(d.Candidate) / float64(n)
	}
	return math.NaN()
}

// Config sets the margins and the error rate.
type Config struct {
	// Alpha is the chance, per operation, of failing a candidate that does
	// not regress beyond its margins. Default 0.05.
	Alpha float64
	// Margin is the regression allowed, relative: on the tail mass above
	// each of the baseline's quantile bounds, and on the error ratio.
	// Default 0.10. Margins overrides it per operation.
	Margin  float64
	Margins map[string]float64
	// ThetaMargin is how far above one half P(candidate slower than
	// baseline) may be. Default 0.02.
	ThetaMargin float64
	// ErrorFloor is the absolute rise of the error ratio always allowed, so
	// that a baseline without errors does not make one error a regression.
	// Default 0.001 (0.1 percentage points).
	ErrorFloor float64
	// MinCalls is how many calls each arm needs before any pass or fail.
	// Default 500.
	MinCalls uint64
	// MinIntervals is how many intervals the jackknife needs. Default 10.
	MinIntervals int
}

// DefaultConfig is the configuration the zero Config stands for.
func DefaultConfig() Config {
	return Config{Alpha: 0.05, Margin: 0.10, ThetaMargin: 0.02, ErrorFloor: 0.001, MinCalls: 500, MinIntervals: 10}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Alpha <= 0 {
		c.Alpha = d.Alpha
	}
	if c.Margin <= 0 {
		c.Margin = d.Margin
	}
	if c.ThetaMargin <= 0 {
		c.ThetaMargin = d.ThetaMargin
	}
	if c.ErrorFloor <= 0 {
		c.ErrorFloor = d.ErrorFloor
	}
	if c.MinCalls == 0 {
		c.MinCalls = d.MinCalls
	}
	if c.MinIntervals <= 0 {
		c.MinIntervals = d.MinIntervals
	}
	return c
}

func (c Config) margin(operation string) float64 {
	if m, ok := c.Margins[operation]; ok && m > 0 {
		return m
	}
	return c.Margin
}

// Verdict is the outcome for one operation. Only Pass is a pass.
type Verdict string

// The verdicts.
const (
	Pass         Verdict = "pass"
	Fail         Verdict = "fail"
	Inconclusive Verdict = "inconclusive"
	NoData       Verdict = "no_data"
)

// Bucket is a range of latencies in seconds, [Lo, Hi]: a bucket, or the
// union of buckets a confidence interval spans.
type Bucket struct {
	Lo Num `json:"lo"`
	Hi Num `json:"hi"`
}

// Quantile is one quantile of one arm: the bucket it falls in and the
// buckets its confidence interval spans, from order-statistic ranks.
type Quantile struct {
	Q      float64 `json:"q"`
	Bucket Bucket  `json:"bucket"`
	CI     Bucket  `json:"ci"`
}

// QuantileRatio is candidate over baseline for one quantile: the widest and
// narrowest ratios the two confidence intervals allow. Bucket resolution
// bounds how narrow it can be; the tests, not this, decide.
type QuantileRatio struct {
	Q  float64 `json:"q"`
	Lo Num     `json:"lo"`
	Hi Num     `json:"hi"`
}

// ArmResult is one arm's summary.
type ArmResult struct {
	Arm
	ErrorRatio float64    `json:"error_ratio"`
	Quantiles  []Quantile `json:"quantiles"`
}

// Test is one regression test's outcome.
type Test struct {
	Name string `json:"name"`
	// Effect is the estimate on the test's own scale, with its confidence
	// interval (two-sided, 1-2·Alpha) and the margin it is held to.
	Effect Num     `json:"effect"`
	Lo     Num     `json:"lo"`
	Hi     Num     `json:"hi"`
	Margin float64 `json:"margin"`
	// PRegression is the one-sided p-value against "no regression beyond
	// the margin"; PWithin against "a regression beyond the margin".
	PRegression float64 `json:"p_regression"`
	PWithin     float64 `json:"p_within"`
	// Regressed is set when Holm's procedure rejects no-regression;
	// Within when the test on its own rules a regression beyond the margin out.
	Regressed bool `json:"regressed"`
	Within    bool `json:"within"`
	// Skipped says why the test could not run (too few observations).
	Skipped string `json:"skipped,omitempty"`
}

// Result is the verdict on one operation and what it rests on.
type Result struct {
	Operation string          `json:"operation"`
	Service   string          `json:"service,omitempty"`
	Verdict   Verdict         `json:"verdict"`
	Reason    string          `json:"reason"`
	Baseline  ArmResult       `json:"baseline"`
	Candidate ArmResult       `json:"candidate"`
	Ratios    []QuantileRatio `json:"ratios"`
	Tests     []Test          `json:"tests"`
	// Robust says the standard errors came from the per-interval jackknife.
	Robust    bool `json:"robust"`
	Intervals int  `json:"intervals"`
	// CandidateFrom is "served" or "shadow": which of the candidate's runs
	// were compared (see Comparison.FromShadow).
	CandidateFrom string `json:"candidate_from"`
	// CandidateShare is the candidate's share of the rollout's decisions,
	// null when the operation has no rollout.
	CandidateShare *Num `json:"candidate_share"`
}
