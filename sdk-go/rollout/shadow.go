package rollout

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/redact"
)

// result is one run's answer.
type result[Out any] struct {
	out Out
	err error
	d   time.Duration
}

// shadow serves the call with the baseline and runs the candidate beside
// it, as seam.role=shadow, under its own deadline; the caller waits at most
// Shadow.Wait for it once the baseline has answered.
func (r *Rollout[In, Out]) shadow(ctx context.Context, in In) (Out, error) {
	select {
	case r.shadows <- struct{}{}:
	default:
		r.tel.comparison(ctx, outcomeSkipped)
		out, err := r.baseline(ctx, in)
		r.guard.baseline(err)
		return out, err
	}
	sctx, cancel := context.WithTimeout(seam.WithRole(context.WithoutCancel(ctx), seam.RoleShadow), r.opts.Shadow.Timeout)
	ran := make(chan result[Out], 1)
	go func() {
		defer func() { <-r.shadows }()
		start := r.opts.now()
		out, err := call(r.candidate, sctx, in)
		ran <- result[Out]{out, err, r.opts.now().Sub(start)}
	}()
	handedOff := false
	defer func() {
		if !handedOff {
			cancel()
		}
	}()

	out, err := r.baseline(ctx, in)
	r.guard.baseline(err)
	base := result[Out]{out: out, err: err}
	select {
	case c := <-ran:
		r.compare(sctx, base, c)
		return out, err
	default:
	}
	if wait := r.opts.Shadow.Wait; wait > 0 {
		t := time.NewTimer(wait)
		select {
		case c := <-ran:
			t.Stop()
			r.compare(sctx, base, c)
			return out, err
		case <-t.C:
		}
	}
	handedOff = true
	go func() {
		defer cancel()
		select {
		case c := <-ran:
			r.compare(sctx, base, c)
		case <-sctx.Done():
			// A candidate that ignores its deadline is judged at it; its
			// place in the cap stays taken until it returns.
			r.compare(sctx, base, result[Out]{err: errShadowTimeout, d: r.opts.Shadow.Timeout})
		}
	}()
	return out, err
}

// compare judges one shadow run against the baseline's answer, counts the
// outcome, feeds the guardrails and logs a sample of what went wrong.
func (r *Rollout[In, Out]) compare(ctx context.Context, base, cand result[Out]) {
	o := r.outcome(ctx, base, cand)
	r.tel.comparison(ctx, o)
	// A shadow run is a candidate call like a served one (its failures,
	// panics and latency count), and a comparison besides.
	if reason, detail, breach := r.guard.candidate(cand.d, cand.err); breach {
		r.trip(ctx, reason, detail)
	} else if o == outcomeMatch || o == outcomeMismatch {
		if reason, detail, breach := r.guard.comparison(o == outcomeMismatch); breach {
			r.trip(ctx, reason, detail)
		}
	}
	if o != outcomeMatch && r.samples.allow() {
		r.log.WarnContext(ctx, "seam: shadow "+o.String(), "seam.operation", r.name, "seam.shadow.outcome", o.String(),
			"baseline", r.describe(base), "candidate", r.describe(cand))
	}
}

// outcome classifies a comparison.
func (r *Rollout[In, Out]) outcome(ctx context.Context, base, cand result[Out]) outcome {
	switch {
	case cand.err != nil && seam.ErrorType(cand.err) == string(seam.ErrorPanic):
		return outcomePanic
	case errors.Is(cand.err, errShadowTimeout), cand.err != nil && ctx.Err() != nil && seam.ErrorType(cand.err) == string(seam.ErrorTimeout):
		return outcomeTimeout
	case base.err != nil && cand.err != nil:
		if seam.ErrorType(base.err) == seam.ErrorType(cand.err) {
			return outcomeMatch
		}
		return outcomeMismatch
	case cand.err != nil:
		return outcomeCandidateError
	case base.err != nil:
		return outcomeMismatch
	}
	b, c := base.out, cand.out
	if r.opts.Clean != nil {
		b, c = r.opts.Clean(b), r.opts.Clean(c)
	}
	if r.opts.Compare(b, c) {
		return outcomeMatch
	}
	return outcomeMismatch
}

// maxLogged bounds each value a mismatch log carries.
const maxLogged = 512

// describe writes one run's answer for the log, cleaned, redacted and cut:
// results hold customer data as often as anything does.
func (r *Rollout[In, Out]) describe(res result[Out]) string {
	var s string
	if res.err != nil {
		s = "error (" + seam.ErrorType(res.err) + "): " + res.err.Error()
	} else {
		out := res.out
		if r.opts.Clean != nil {
			out = r.opts.Clean(out)
		}
		s = fmt.Sprintf("%+v", out)
	}
	s = redact.Default().String(s)
	if len(s) > maxLogged {
		s = s[:maxLogged] + "…"
	}
	return s
}

// sampler lets at most n events a minute through: a token bucket.
type sampler struct {
	mu     sync.Mutex
	n      float64
	tokens float64
	last   time.Time
	now    func() time.Time
}

func newSampler(perMinute int, now func() time.Time) *sampler {
	return &sampler{n: float64(perMinute), tokens: float64(perMinute), last: now(), now: now}
}

func (s *sampler) allow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.tokens = min(s.n, s.tokens+now.Sub(s.last).Minutes()*s.n)
	s.last = now
	if s.tokens < 1 {
		return false
	}
	s.tokens--
	return true
}
