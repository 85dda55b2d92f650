// Package judge decides, operation by operation, whether a Rust candidate
// may take more traffic from its Go baseline, from histogram bucket counts
// alone: no sample is ever seen, no quantile is ever interpolated.
//
// Each operation's two arms are compared by five one-sided tests of
// "regression beyond the margin" (stochastic order by Mann–Whitney θ, the
// tail mass above the baseline's p50, p90 and p99 bucket bounds, and the
// error ratio), Holm-corrected; the candidate passes only when every test
// rules a regression beyond its margin out (an intersection–union test).
// With per-interval data the standard errors come from a delete-one-interval
// jackknife, so bursty traffic does not make noise look like a signal.
// JUDGE.md at the repository root gives the method with its formulas and
// the calibration and power this package's tests measure.
package judge
