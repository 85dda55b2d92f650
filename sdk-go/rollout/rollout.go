package rollout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-feature/go-sdk/openfeature"
	"go.opentelemetry.io/otel/metric"

	seam "github.com/seamtel/seam/sdk-go"
)

// Func is one implementation of an operation.
type Func[In, Out any] func(ctx context.Context, in In) (Out, error)

// Options configures New. The zero value reads the flags from
// openfeature's default client and keys canaries by correlation ID.
type Options[In, Out any] struct {
	// Flags is the client the operation's flags (ModeFlag, PercentFlag)
	// are read from; nil means openfeature.NewDefaultClient().
	Flags *openfeature.Client
	// Refresh is how often the flags are read again besides on the
	// provider's change events; default one second.
	Refresh time.Duration
	// Key is a call's sticky key: one key always lands on one arm. The
	// default is the call's correlation ID; a call without a key is
	// placed at random.
	Key func(ctx context.Context, in In) string
	// Compare decides whether the candidate's result matches the
	// baseline's; default reflect.DeepEqual.
	Compare func(baseline, candidate Out) bool
	// Clean, when set, maps each result before it is compared and
	// logged: drop what may differ without being wrong (timestamps,
	// generated IDs).
	Clean func(Out) Out
	// CandidateTimeout bounds each call the candidate serves (sooner if
	// the caller's deadline is sooner); past it the baseline serves. Zero
	// means only the caller's deadline applies.
	CandidateTimeout time.Duration
	// OnFallback, when set, is told of each candidate failure the baseline
	// is about to serve: where the candidate crossed a boundary, count it
	// there (seam.boundary.fallbacks) with the boundary's kind.
	OnFallback func(ctx context.Context, err error)
	Shadow     ShadowOptions
	Guardrails Guardrails
	// Logger receives route changes, trips and a sample of shadow
	// mismatches (values redacted); nil means slog.Default().
	Logger *slog.Logger
	// MeterProvider records the rollout's metrics; nil means the global one.
	MeterProvider metric.MeterProvider

	now func() time.Time // tests move the clock
}

// ShadowOptions bound what shadowing may cost the caller.
type ShadowOptions struct {
	// Timeout is the candidate's deadline in a shadow run; default 100 ms.
	// The run is detached from the caller's cancellation: a request that
	// ends does not turn its shadow into an error.
	Timeout time.Duration
	// Wait is the most a call waits, once the baseline has answered, for
	// its shadow to finish, which is all that shadowing adds to the
	// caller's latency; default 0. A shadow still running is compared in
	// the background.
	Wait time.Duration
	// MaxConcurrent caps the shadow runs in flight (a hung candidate holds
	// its place until it returns); past it calls are not shadowed and
	// count as skipped. Default 16.
	MaxConcurrent int
	// MismatchLogs is how many mismatches (and candidate failures) a
	// minute are logged; default 10. Every one is counted.
	MismatchLogs int
}

// Rollout routes one operation between a Go baseline and a Rust candidate,
// as its flags say: see Mode. It is safe for concurrent use.
type Rollout[In, Out any] struct {
	name                string
	seed                uint64 // the sticky hash's state after name
	baseline, candidate Func[In, Out]
	opts                Options[In, Out]
	flags               *openfeature.Client
	log                 *slog.Logger
	tel                 *telemetry
	guard               *guard
	samples             *sampler
	shadows             chan struct{} // one token per shadow run in flight

	state atomic.Pointer[state]
	mu    sync.Mutex // serialises route changes and trips
	bad   string     // the last invalid flag value logged, to log each once

	onChange openfeature.EventCallback
	stop     chan struct{}
	done     sync.WaitGroup
}

// state is what a call reads to decide, replaced whole on every change.
type state struct {
	route Route // what calls follow: Baseline while tripped
	basis int   // route's share in basis points
	// flags is the route the flags gave; while tripped, a change of it is
	// the operator's re-enable.
	flags   Route
	tripped bool
}

// New returns the rollout of operation (a seam.operation name) between
// baseline and candidate, and starts following its flags. Close it to stop.
func New[In, Out any](operation string, baseline, candidate Func[In, Out], opts Options[In, Out]) (*Rollout[In, Out], error) {
	switch {
	case !seam.ValidOperationName(operation):
		return nil, fmt.Errorf("rollout: operation %q is outside the schema's grammar for seam.operation", operation)
	case baseline == nil || candidate == nil:
		return nil, fmt.Errorf("rollout %s: both a baseline and a candidate are needed", operation)
	case opts.Refresh < 0, opts.CandidateTimeout < 0, opts.Shadow.Timeout < 0, opts.Shadow.Wait < 0, opts.Shadow.MaxConcurrent < 0:
		return nil, fmt.Errorf("rollout %s: negative duration or limit in Options", operation)
	}
	if opts.Refresh == 0 {
		opts.Refresh = time.Second
	}
	if opts.Shadow.Timeout == 0 {
		opts.Shadow.Timeout = 100 * time.Millisecond
	}
	if opts.Shadow.MaxConcurrent == 0 {
		opts.Shadow.MaxConcurrent = 16
	}
	if opts.Shadow.MismatchLogs == 0 {
		opts.Shadow.MismatchLogs = 10
	}
	if opts.Compare == nil {
		opts.Compare = func(a, b Out) bool { return reflect.DeepEqual(a, b) }
	}
	if opts.Key == nil {
		opts.Key = func(ctx context.Context, _ In) string { return seam.CorrelationID(ctx) }
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	tel, err := newTelemetry(opts.MeterProvider, operation)
	if err != nil {
		return nil, fmt.Errorf("rollout %s: %w", operation, err)
	}
	r := &Rollout[In, Out]{
		name: operation, seed: stickySeed(operation), baseline: baseline, candidate: candidate, opts: opts,
		flags: opts.Flags, log: opts.Logger, tel: tel,
		guard:   newGuard(opts.Guardrails, opts.now),
		samples: newSampler(opts.Shadow.MismatchLogs, opts.now),
		shadows: make(chan struct{}, opts.Shadow.MaxConcurrent),
		stop:    make(chan struct{}),
	}
	if r.flags == nil {
		r.flags = openfeature.NewDefaultClient()
	}
	if r.log == nil {
		r.log = slog.Default()
	}
	r.state.Store(&state{route: Route{Mode: Baseline}})
	tel.route(context.Background(), Route{Mode: Baseline})
	r.Refresh(context.Background())

	cb := func(openfeature.EventDetails) { r.Refresh(context.Background()) }
	r.onChange = &cb
	r.flags.AddHandler(openfeature.ProviderConfigChange, r.onChange)
	r.flags.AddHandler(openfeature.ProviderReady, r.onChange)
	r.done.Add(1)
	go r.poll()
	return r, nil
}

// poll reads the flags every Refresh, for providers that send no events.
func (r *Rollout[In, Out]) poll() {
	defer r.done.Done()
	t := time.NewTicker(r.opts.Refresh)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.Refresh(context.Background())
		}
	}
}

// Close stops following the flags and reporting the decisions. Shadow runs
// in flight finish on their own.
func (r *Rollout[In, Out]) Close() {
	r.mu.Lock()
	select {
	case <-r.stop:
		r.mu.Unlock()
		return
	default:
		close(r.stop)
	}
	r.mu.Unlock()
	r.flags.RemoveHandler(openfeature.ProviderConfigChange, r.onChange)
	r.flags.RemoveHandler(openfeature.ProviderReady, r.onChange)
	r.done.Wait()
	r.tel.close()
}

// Route returns the route calls follow now, and whether the kill switch
// has tripped (the route is then Baseline whatever the flags say).
func (r *Rollout[In, Out]) Route() (Route, bool) {
	st := r.state.Load()
	return st.route, st.tripped
}

// Refresh reads the flags now; New and the provider's events call it.
// While tripped, a route from the flags that differs from the one at the
// trip re-enables the rollout: the operator changed them.
func (r *Rollout[In, Out]) Refresh(ctx context.Context) {
	route, err := routeFromFlags(ctx, r.flags, r.name)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil && err.Error() != r.bad {
		r.bad = err.Error()
		r.log.WarnContext(ctx, "seam: rollout flag not valid; the operation stays on its baseline",
			"seam.operation", r.name, "error", err.Error())
	}
	cur := r.state.Load()
	if route == cur.flags {
		return
	}
	if cur.tripped {
		r.log.InfoContext(ctx, "seam: rollout re-enabled by a flag change", "seam.operation", r.name, "route", route.String())
	}
	r.set(ctx, route, route, false)
}

// Reset re-enables a tripped rollout on the route its flags give now.
func (r *Rollout[In, Out]) Reset(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur := r.state.Load(); cur.tripped {
		r.log.InfoContext(ctx, "seam: rollout re-enabled", "seam.operation", r.name, "route", cur.flags.String())
		r.set(ctx, cur.flags, cur.flags, false)
	}
}

// set installs a state; r.mu is held.
func (r *Rollout[In, Out]) set(ctx context.Context, route, flags Route, tripped bool) {
	basis, err := route.basis()
	if err != nil {
		route, basis = Route{Mode: Baseline}, 0
	}
	prev := r.state.Load()
	r.state.Store(&state{route: route, basis: basis, flags: flags, tripped: tripped})
	if !tripped {
		// A fresh window: failures from before cannot trip it again.
		r.guard.reset()
	}
	if route != prev.route {
		r.tel.route(ctx, route)
		if !tripped {
			r.log.InfoContext(ctx, "seam: rollout route", "seam.operation", r.name, "route", route.String())
		}
	}
}

// trip drops the operation to Baseline unless it is there already.
func (r *Rollout[In, Out]) trip(ctx context.Context, reason tripReason, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.state.Load()
	if cur.tripped || cur.route.Mode == Baseline {
		return
	}
	r.set(ctx, Route{Mode: Baseline}, cur.flags, true)
	r.tel.trip(ctx, reason)
	r.log.WarnContext(ctx, "seam: rollout tripped; the operation is back on its baseline until its flags change or Reset",
		"seam.operation", r.name, "seam.rollout.trip.reason", reason.String(), "detail", detail, "was", cur.route.String())
}

// Do runs one call as the route says and returns the result that serves
// it. in goes to both implementations in Shadow, concurrently: neither may
// change it.
func (r *Rollout[In, Out]) Do(ctx context.Context, in In) (Out, error) {
	out, _, err := r.run(ctx, r.state.Load(), in)
	return out, err
}

// Served says how a call was served.
type Served struct {
	// Route is the route the call followed.
	Route Route
	// Candidate says the candidate served; FellBack that it failed and
	// the baseline served instead.
	Candidate, FellBack bool
	// Shadowed says the candidate also ran as a shadow.
	Shadowed bool
}

// DoWith runs one call as Do does and says how it was served. A non-nil
// route overrides the flags' for this call alone (a per-request override,
// for tests and debugging); it is counted like any other call.
func (r *Rollout[In, Out]) DoWith(ctx context.Context, in In, route *Route) (Out, Served, error) {
	st := r.state.Load()
	if route != nil {
		basis, err := route.basis()
		if err != nil {
			var zero Out
			return zero, Served{}, fmt.Errorf("rollout %s: route %s: %w", r.name, route, err)
		}
		st = &state{route: *route, basis: basis}
	}
	return r.run(ctx, st, in)
}

func (r *Rollout[In, Out]) run(ctx context.Context, st *state, in In) (Out, Served, error) {
	a, shadow := r.decide(ctx, in, st)
	r.tel.decision(st.route.Mode, a)
	served := Served{Route: st.route, Candidate: a == armCandidate, Shadowed: shadow}
	switch {
	case a == armCandidate:
		out, fellBack, err := r.serveCandidate(ctx, in)
		served.Candidate, served.FellBack = !fellBack, fellBack
		return out, served, err
	case shadow:
		out, err := r.shadow(ctx, in)
		return out, served, err
	case st.route.Mode == Baseline:
		out, err := r.baseline(ctx, in)
		return out, served, err
	}
	out, err := r.baseline(ctx, in)
	r.guard.baseline(err)
	return out, served, err
}

// decide picks the arm that serves a call, and whether the call is
// shadowed; it reads the state and hashes the key, nothing more.
func (r *Rollout[In, Out]) decide(ctx context.Context, in In, st *state) (a arm, shadow bool) {
	switch st.route.Mode {
	case Baseline:
		return armBaseline, false
	case Candidate:
		return armCandidate, false
	}
	hit := st.basis >= basisPoints
	if !hit && st.basis > 0 {
		if key := r.opts.Key(ctx, in); key != "" {
			hit = bucket(r.seed, key) < st.basis
		} else {
			hit = rand.IntN(basisPoints) < st.basis
		}
	}
	if st.route.Mode == Shadow {
		return armBaseline, hit
	}
	if hit {
		return armCandidate, false
	}
	return armBaseline, false
}

// serveCandidate runs the candidate as the serving implementation, and the
// baseline (as seam.role=fallback) when it fails while ctx has time left.
func (r *Rollout[In, Out]) serveCandidate(ctx context.Context, in In) (out Out, fellBack bool, err error) {
	cctx := seam.WithRole(ctx, seam.RoleCandidate)
	if r.opts.CandidateTimeout > 0 {
		var cancel context.CancelFunc
		cctx, cancel = context.WithTimeout(cctx, r.opts.CandidateTimeout)
		defer cancel()
	}
	start := r.opts.now()
	out, err = call(r.candidate, cctx, in)
	if reason, detail, breach := r.guard.candidate(r.opts.now().Sub(start), err); breach {
		r.trip(ctx, reason, detail)
	}
	if err == nil || ctx.Err() != nil {
		return out, false, err
	}
	if r.opts.OnFallback != nil {
		r.opts.OnFallback(ctx, err)
	}
	fallback, ferr := r.baseline(seam.WithRole(ctx, seam.RoleFallback), in)
	if ferr != nil {
		return fallback, true, fmt.Errorf("%s: candidate: %w; fallback: %w", r.name, err, ferr)
	}
	return fallback, true, nil
}

// call runs f, turning a panic into an error of class panic: a candidate
// that panics must not take the caller with it.
func call[In, Out any](f Func[In, Out], ctx context.Context, in In) (out Out, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &PanicError{Value: p}
		}
	}()
	return f(ctx, in)
}

// PanicError is a candidate's panic, recovered; its error.type is panic.
type PanicError struct{ Value any }

func (e *PanicError) Error() string     { return fmt.Sprintf("candidate panicked: %v", e.Value) }
func (e *PanicError) ErrorType() string { return string(seam.ErrorPanic) }

// errShadowTimeout is a shadow run that outlived its deadline.
var errShadowTimeout = errors.New("shadow run past its deadline")
