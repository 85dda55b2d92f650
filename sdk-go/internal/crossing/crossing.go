// Package crossing records calls across the Go/Rust boundary, whatever
// carries them: the instruments seam.boundary.call.duration and
// seam.boundary.fallbacks, each operation's attribute sets built once, and
// when a fallback serves a call. sdk-go/boundary (FFI), sdk-go/seamhttp
// (HTTP) and sdk-go/seamgrpc (gRPC) all record through it, the last two as
// a Remote, so the kinds of crossing have one set of semantics. It has no
// cgo: importing it links no Rust.
package crossing

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Status is how a call ended: the SeamStatus codes of seam.h, which
// sdk-go/boundary checks against the C header when it compiles.
type Status int32

// The outcomes of a call.
const (
	OK               Status = 0
	Error            Status = 1
	Panic            Status = 2
	DeadlineExceeded Status = 3
	InvalidArgument  Status = 4
	statusCount             = 5
)

// ErrorType is the error.type class of a status ("" for OK); the same
// strings as the Rust side's SeamStatus::error_type. An unknown status
// (from a newer Rust side) is internal.
func (s Status) ErrorType() string {
	switch s {
	case OK:
		return ""
	case Panic:
		return "panic"
	case DeadlineExceeded:
		return "timeout"
	case InvalidArgument:
		return "invalid_input"
	default:
		return "internal"
	}
}

// ParseErrorType is the status whose ErrorType is t, for an outcome the
// other side names in text; false for any other string (including "").
func ParseErrorType(t string) (Status, bool) {
	for s := Error; s < statusCount; s++ {
		if s.ErrorType() == t {
			return s, true
		}
	}
	return OK, false
}

// Instruments are one instrumentation scope's boundary instruments.
type Instruments struct {
	duration  metric.Float64Histogram
	fallbacks metric.Int64Counter
}

// New creates the instruments on mp (nil means otel.GetMeterProvider())
// under the instrumentation scope named scope.
func New(mp metric.MeterProvider, scope string) (*Instruments, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter(scope, metric.WithSchemaURL(semconv.SchemaURL))
	duration, err := semconv.NewSeamBoundaryCallDuration(meter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamBoundaryCallDurationName, err)
	}
	fallbacks, err := semconv.NewSeamBoundaryFallbacks(meter)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamBoundaryFallbacksName, err)
	}
	return &Instruments{duration: duration, fallbacks: fallbacks}, nil
}

// Operation records the calls to one seam.operation across one
// seam.boundary.kind.
type Operation struct {
	name      string
	duration  metric.Float64Histogram
	fallbacks metric.Int64Counter
	// byStatus holds the attribute set of each outcome, built once (as the
	// option slices the instruments take) so that a call records without
	// allocating.
	byStatus [statusCount]outcomeAttrs
}

// outcomeAttrs is one outcome's attributes, ready for each instrument.
type outcomeAttrs struct {
	record []metric.RecordOption
	add    []metric.AddOption
}

// Operation binds the operation name, crossing by kind (a
// semconv.SeamBoundaryKind value), to the instruments.
func (ins *Instruments) Operation(name string, kind attribute.KeyValue) Operation {
	op := Operation{name: name, duration: ins.duration, fallbacks: ins.fallbacks}
	for s := range op.byStatus {
		attrs := []attribute.KeyValue{semconv.SeamOperation(name), kind}
		if t := Status(s).ErrorType(); t != "" {
			attrs = append(attrs, semconv.ErrorTypeKey.String(t))
		}
		set := metric.WithAttributeSet(attribute.NewSet(attrs...))
		op.byStatus[s] = outcomeAttrs{record: []metric.RecordOption{set}, add: []metric.AddOption{set}}
	}
	return op
}

// Name is the seam.operation the operation records under.
func (o *Operation) Name() string { return o.name }

// Start is the time a call starts, or the zero time when its duration is
// not recorded: a clock read costs about as much as a cgo call.
func (o *Operation) Start(ctx context.Context) time.Time {
	if !o.duration.Enabled(ctx) {
		return time.Time{}
	}
	return time.Now()
}

// End records seam.boundary.call.duration for a call that began at start
// (from Start; nothing when it is zero) and ended with s.
func (o *Operation) End(ctx context.Context, start time.Time, s Status) {
	if !start.IsZero() {
		o.duration.Record(ctx, time.Since(start).Seconds(), o.attrs(s).record...)
	}
}

// FallBack reports whether a fallback should serve a call that ended with
// s, and counts it in seam.boundary.fallbacks when it should. It should
// unless the call succeeded, or it ran out of time because ctx itself did:
// then there is no time left to try again. A call that ran out of a budget
// of its own, shorter than ctx's, falls back.
func (o *Operation) FallBack(ctx context.Context, s Status) bool {
	if s == OK || (s == DeadlineExceeded && expired(ctx)) {
		return false
	}
	o.fallbacks.Add(ctx, 1, o.attrs(s).add...)
	return true
}

// attrs is the attributes of a status; an unknown status records as a
// plain error.
func (o *Operation) attrs(s Status) *outcomeAttrs {
	if s < 0 || s >= statusCount {
		s = Error
	}
	return &o.byStatus[s]
}

// expired reports whether ctx is done or past its deadline (a context's
// timer can fire a moment after the deadline).
func expired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	deadline, ok := ctx.Deadline()
	return ok && !time.Now().Before(deadline)
}
