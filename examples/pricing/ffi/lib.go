package ffi

import (
	"context"
	"errors"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/sdk-go/boundary"
)

// The operations the library serves.
const (
	operationQuote       = "pricing.quote"
	operationFingerprint = "pricing.fingerprint"
)

// Served says which implementation produced a result.
type Served uint8

const (
	// ServedByRust: the Rust call succeeded.
	ServedByRust Served = iota
	// ServedByFallback: the Rust call failed and the Go fallback served.
	ServedByFallback
)

// Fallbacks are the Go implementations that serve a call the Rust side
// failed (panic, error, or the call's own timeout while the caller still
// has time). They record their own operation telemetry.
type Fallbacks struct {
	Quote       func(ctx context.Context, b *pricing.Basket) (pricing.Quote, error)
	Fingerprint func(ctx context.Context, b *pricing.Basket) (string, error)
}

// Options configures Open.
type Options struct {
	// Fallbacks, each optional: without one, a failed call is an error.
	Fallbacks Fallbacks
	// Timeout bounds each Rust call (sooner if the caller's deadline is
	// sooner); past it the fallback serves (boundary.FuncOptions.Timeout).
	// Zero means only the caller's deadline applies.
	Timeout time.Duration
	// MeterProvider records the boundary metrics; nil means the global one.
	MeterProvider metric.MeterProvider
}

// Lib is the Rust candidate, called through the boundary.
type Lib struct {
	quote       *boundary.Func[cBasket, cQuote]
	fingerprint *boundary.Func[cBasket, cFingerprint]
	setFaults   *boundary.Func[cFaults, cFaults]
	close       *boundary.Func[cTimeout, cUnused]
}

// Open binds the entry points of the linked staticlib.
func Open(opts Options) (*Lib, error) {
	b, err := boundary.New(boundary.Options{MeterProvider: opts.MeterProvider})
	if err != nil {
		return nil, err
	}
	quoteOpts := boundary.FuncOptions[cBasket, cQuote]{Timeout: opts.Timeout}
	if fb := opts.Fallbacks.Quote; fb != nil {
		quoteOpts.Fallback = func(ctx context.Context, in *cBasket, out *cQuote) error {
			basket := goBasket(in)
			q, err := fb(ctx, &basket)
			if err == nil {
				quoteToC(q, out)
				markFallback(ctx)
			}
			return err
		}
	}
	fingerprintOpts := boundary.FuncOptions[cBasket, cFingerprint]{Timeout: opts.Timeout}
	if fb := opts.Fallbacks.Fingerprint; fb != nil {
		fingerprintOpts.Fallback = func(ctx context.Context, in *cBasket, out *cFingerprint) error {
			basket := goBasket(in)
			hex, err := fb(ctx, &basket)
			if err == nil {
				fingerprintToC(hex, out)
				markFallback(ctx)
			}
			return err
		}
	}
	l := &Lib{}
	if l.quote, err = boundary.NewFunc(b, operationQuote, entryQuote, quoteOpts); err != nil {
		return nil, err
	}
	if l.fingerprint, err = boundary.NewFunc(b, operationFingerprint, entryFingerprint, fingerprintOpts); err != nil {
		return nil, err
	}
	if l.setFaults, err = boundary.NewFunc(b, "pricing.set_faults", entrySetFaults, boundary.FuncOptions[cFaults, cFaults]{}); err != nil {
		return nil, err
	}
	if l.close, err = boundary.NewFunc(b, "pricing.close", entryClose, boundary.FuncOptions[cTimeout, cUnused]{}); err != nil {
		return nil, err
	}
	return l, nil
}

// Quote prices b in Rust, or in Go when Rust fails and a fallback is set.
func (l *Lib) Quote(ctx context.Context, b *pricing.Basket) (pricing.Quote, Served, error) {
	var out cQuote
	served, err := callWithBasket(ctx, l.quote, b, &out)
	if err != nil {
		return pricing.Quote{}, served, err
	}
	return quoteFromC(&out), served, nil
}

// Fingerprint fingerprints b in Rust, or in Go when Rust fails and a
// fallback is set.
func (l *Lib) Fingerprint(ctx context.Context, b *pricing.Basket) (string, Served, error) {
	var out cFingerprint
	served, err := callWithBasket(ctx, l.fingerprint, b, &out)
	if err != nil {
		return "", served, err
	}
	return fingerprintFromC(&out), served, nil
}

// callWithBasket makes one call with b in C memory and says who served it:
// the boundary applies the call's timeout and runs the fallback.
func callWithBasket[Out any](ctx context.Context, f *boundary.Func[cBasket, Out], b *pricing.Basket, out *Out) (Served, error) {
	in := newCBasket(b)
	defer freeCBasket(in)
	var fellBack bool
	err := f.Call(context.WithValue(ctx, fallbackKey{}, &fellBack), in, out)
	if fellBack {
		return ServedByFallback, err
	}
	return ServedByRust, err
}

type fallbackKey struct{}

// markFallback records in the call's context that the fallback served.
func markFallback(ctx context.Context) {
	if p, ok := ctx.Value(fallbackKey{}).(*bool); ok {
		*p = true
	}
}

// CountFallback counts in seam.boundary.fallbacks{seam.boundary.kind=ffi}
// a fallback the caller serves itself after Quote or Fingerprint failed
// with err (a rollout's); false when err is not theirs.
func (l *Lib) CountFallback(ctx context.Context, err error) bool {
	var e *boundary.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Operation {
	case operationQuote:
		return l.quote.CountFallback(ctx, err)
	case operationFingerprint:
		return l.fingerprint.CountFallback(ctx, err)
	}
	return false
}

// SetFaults installs the Rust side's faults and returns what it installed.
func (l *Lib) SetFaults(ctx context.Context, f faults.Faults) (faults.Faults, error) {
	in := faultsToC(f)
	var out cFaults
	if err := l.setFaults.Call(ctx, &in, &out); err != nil {
		return faults.Faults{}, err
	}
	return faultsFromC(&out), nil
}

// Start starts the Rust side's telemetry (seam_init) for serviceName, as
// the candidate. Call it once, after the Go side's seam.Start.
func Start(serviceName string) error {
	return boundary.Init(boundary.Config{ServiceName: serviceName, Role: "candidate"})
}

// Close flushes the library's own buffers, then stops the Rust side's
// telemetry (seam_shutdown), waiting at most timeout in all. Call it
// before the process exits: os.Exit runs no Rust destructors.
func (l *Lib) Close(timeout time.Duration) error {
	start := time.Now()
	ms := cTimeout(max(timeout.Milliseconds(), 0))
	var unused cUnused
	err := l.close.Call(context.Background(), &ms, &unused)
	return errors.Join(err, boundary.Shutdown(max(timeout-time.Since(start), 0)))
}
