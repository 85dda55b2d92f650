// Package rollout moves one operation's traffic from a Go baseline to a
// Rust candidate under flags, and back without a deploy.
//
// A Rollout holds both implementations of one seam.operation and routes
// each call by the operation's Mode, read from OpenFeature flags
// (ModeFlag, PercentFlag) and cached, so that deciding costs a pointer load
// and, in Canary, a hash of the call's sticky key:
//
//   - Baseline: Go only.
//   - Shadow: both run and Go's result is returned. The candidate runs
//     concurrently, as seam.role=shadow, under its own deadline and a cap
//     on runs in flight, and the caller waits for it at most
//     ShadowOptions.Wait; the comparison is counted by outcome in
//     seam.rollout.shadow.comparisons and a sample of mismatches is logged,
//     redacted.
//   - Canary: the candidate serves a share of calls, sticky by key (the
//     correlation ID by default): one key always lands on one arm, in Go
//     and in Rust alike.
//   - Candidate: the candidate serves, and the baseline serves as
//     seam.role=fallback when it fails, panics or runs out of time, so
//     fallbacks never mix with the baseline's own traffic.
//
// Guardrails are the kill switch: a breach (panics, error ratio over the
// baseline's, shadow mismatches, p99 over budget) drops the operation to
// Baseline at once, counts and logs why, and holds it there until an
// operator changes its flags or calls Reset.
//
// Package flags has providers for the flags: an in-memory one and one
// reading SEAM_ROLLOUT and SEAM_ROLLOUT_FILE.
package rollout
