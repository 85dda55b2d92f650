package seam

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/redact"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// operations records seam.operation.duration and a span per operation,
// from attribute sets precomputed per operation name and role, so the hot
// path allocates nothing of its own.
type operations struct {
	tracer    trace.Tracer
	duration  metric.Float64Histogram
	overflows metric.Int64Counter
	red       *redact.Redactor
	// warn reports, once each, the first name past the limit and the first
	// name outside the grammar.
	warn                    func(msg string, args ...any)
	warnedLimit, warnedName atomic.Bool

	// byName is replaced, never changed: a new name copies the map under
	// mu. Names are few (the cardinality limit), lookups are constant.
	byName atomic.Pointer[map[string]*opEntry]
	mu     sync.Mutex
	// pastLimit and invalid are both the overflow value, counted by reason.
	pastLimit, invalid *opEntry
}

// opEntry holds what one operation name records, per role.
type opEntry struct {
	name string
	// overflow, for the overflow value, is what seam.operation.overflows
	// counts it by.
	overflow []metric.AddOption
	roles    [numRoles]opAttrs
}

type opAttrs struct {
	attrs     []attribute.KeyValue
	record    []metric.RecordOption
	spanStart []trace.SpanStartOption

	errs sync.Map // error class -> []metric.RecordOption
}

func newOperations(tp trace.TracerProvider, mp metric.MeterProvider, red *redact.Redactor, warn func(string, ...any)) *operations {
	meter := mp.Meter(instrumentationName, metric.WithInstrumentationVersion(Version), metric.WithSchemaURL(semconv.SchemaURL))
	o := &operations{
		tracer: tp.Tracer(instrumentationName, trace.WithInstrumentationVersion(Version), trace.WithSchemaURL(semconv.SchemaURL)),
		red:    red,
		warn:   warn,
	}
	var err error
	if o.duration, err = semconv.NewSeamOperationDuration(meter); err != nil {
		otel.Handle(err)
	}
	if o.overflows, err = semconv.NewSeamOperationOverflows(meter); err != nil {
		otel.Handle(err)
	}
	overflow := func(reason attribute.KeyValue) *opEntry {
		return newOpEntry(semconv.SeamOperationOverflowValue,
			[]metric.AddOption{metric.WithAttributeSet(attribute.NewSet(semconv.SeamImplGo, reason))})
	}
	o.pastLimit = overflow(semconv.SeamOverflowReasonCardinalityLimit)
	o.invalid = overflow(semconv.SeamOverflowReasonInvalidName)
	o.byName.Store(&map[string]*opEntry{})
	return o
}

func newOpEntry(name string, overflow []metric.AddOption) *opEntry {
	e := &opEntry{name: name, overflow: overflow}
	for r := range e.roles {
		a := &e.roles[r]
		a.attrs = []attribute.KeyValue{semconv.SeamOperation(name), semconv.SeamImplGo, roleAttrs[r]}
		a.record = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(a.attrs...))}
		a.spanStart = []trace.SpanStartOption{trace.WithAttributes(a.attrs...)}
	}
	return e
}

// entry returns the entry of name, admitting valid names up to the
// schema's cardinality limit and folding the rest, and names outside the
// grammar, into the overflow value.
func (o *operations) entry(name string) *opEntry {
	if e, ok := (*o.byName.Load())[name]; ok {
		return e
	}
	if !validOperationName(name) {
		if !o.warnedName.Swap(true) {
			o.warn("seam: operation name outside the schema's grammar; recorded as "+semconv.SeamOperationOverflowValue+
				" and counted in "+semconv.SeamOperationOverflowsName+", without another warning",
				"operation", truncate(strconv.Quote(name), 64), "grammar", semconv.SeamOperationValuePattern,
				"max_bytes", semconv.SeamOperationMaxLength)
		}
		return o.invalid
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	names := *o.byName.Load()
	if e, ok := names[name]; ok {
		return e
	}
	if len(names) >= semconv.SeamOperationCardinalityLimit {
		if !o.warnedLimit.Swap(true) {
			o.warn("seam: more than "+strconv.Itoa(semconv.SeamOperationCardinalityLimit)+" distinct operation names; new names are recorded as "+
				semconv.SeamOperationOverflowValue+" and counted in "+semconv.SeamOperationOverflowsName+", without another warning",
				"operation", truncate(name, 64))
		}
		return o.pastLimit
	}
	e := newOpEntry(name, nil)
	grown := make(map[string]*opEntry, len(names)+1)
	for k, v := range names {
		grown[k] = v
	}
	grown[name] = e
	o.byName.Store(&grown)
	return e
}

// errRecord returns the record options for an operation that failed with
// errType, one of the schema's few error classes.
func (a *opAttrs) errRecord(errType string) []metric.RecordOption {
	if v, ok := a.errs.Load(errType); ok {
		return v.([]metric.RecordOption)
	}
	attrs := append(append([]attribute.KeyValue{}, a.attrs...), semconv.ErrorTypeKey.String(errType))
	opts := []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(attrs...))}
	v, _ := a.errs.LoadOrStore(errType, opts)
	return v.([]metric.RecordOption)
}

// current holds the operations of the running Telemetry; before Start it
// uses the global providers, which do nothing until one is installed.
var current atomic.Pointer[operations]

func currentOperations() *operations {
	if o := current.Load(); o != nil {
		return o
	}
	o := newOperations(otel.GetTracerProvider(), otel.GetMeterProvider(), redact.Default(), slog.Warn)
	if current.CompareAndSwap(nil, o) {
		return o
	}
	return current.Load()
}

// op is one operation in flight. Ops are pooled, and each keeps its end
// method value from creation, so starting and ending one allocates nothing.
type op struct {
	ops   *operations
	entry *opEntry
	attrs *opAttrs
	ctx   context.Context
	span  trace.Span
	start time.Time
	end   func(error)
}

var opPool sync.Pool

func init() {
	// Set here, not in opPool's declaration: finish refers to opPool.
	opPool.New = func() any {
		o := new(op)
		o.end = o.finish
		return o
	}
}

// StartOperation starts timing the logical operation name (seam.operation)
// and a span of the same name, child of ctx's span. Call the returned
// function exactly once, with the operation's error or nil: it records
// seam.operation.duration{seam.operation, seam.impl, seam.role, error.type}
// and ends the span. The role is ctx's (see WithRole). Past the schema's
// limit of distinct names, new names are recorded as "_other" and counted
// in seam.operation.overflows, as are names outside the schema's grammar
// (dotted words of letters, digits, '_' and '-'; see semconv).
//
// StartOperation and the returned function allocate nothing themselves;
// the function must not be called after it has returned once.
func StartOperation(ctx context.Context, name string) func(err error) {
	return begin(ctx, name).end
}

func begin(ctx context.Context, name string) *op {
	ops := currentOperations()
	e := ops.entry(name)
	a := &e.roles[RoleFrom(ctx)]
	o := opPool.Get().(*op)
	o.ops, o.entry, o.attrs = ops, e, a
	o.ctx, o.span = ops.tracer.Start(ctx, e.name, a.spanStart...)
	o.start = time.Now()
	return o
}

func (o *op) finish(err error) {
	if o.span == nil {
		return // already ended
	}
	elapsed := time.Since(o.start).Seconds()
	ops, a, span, ctx := o.ops, o.attrs, o.span, o.ctx
	if err == nil {
		ops.duration.Record(ctx, elapsed, a.record...)
	} else {
		errType := ErrorType(err)
		ops.duration.Record(ctx, elapsed, a.errRecord(errType)...)
		// The class compares across languages; the Go type helps whoever
		// reads this one span.
		span.SetAttributes(semconv.ErrorTypeKey.String(errType), attribute.String("exception.type", reflect.TypeOf(err).String()))
		// Error messages carry what callers put in them: redact first.
		span.SetStatus(codes.Error, ops.red.String(err.Error()))
	}
	if o.entry.overflow != nil {
		ops.overflows.Add(ctx, 1, o.entry.overflow...)
	}
	span.End()
	*o = op{end: o.end}
	opPool.Put(o)
}

// Measure runs fn as the operation name, as StartOperation does, passing
// it a context that carries the operation's span so its logs and child
// spans link to it. A panic in fn is recorded as error.type "panic" and
// then continues to unwind.
func Measure(ctx context.Context, name string, fn func(ctx context.Context) error) (err error) {
	o := begin(ctx, name)
	finished := false
	defer func() {
		if finished {
			return
		}
		p := recover()
		o.finish(panicError{p})
		if p != nil {
			panic(p)
		}
		// p is nil only when fn called runtime.Goexit, which goes on by itself.
	}()
	err = fn(o.ctx)
	finished = true
	o.finish(err)
	return err
}

type panicError struct{ value any }

func (e panicError) Error() string     { return fmt.Sprintf("panic: %v", e.value) }
func (e panicError) ErrorType() string { return string(ErrorPanic) }

// operationGrammar is the schema's grammar for seam.operation.
var operationGrammar = regexp.MustCompile(semconv.SeamOperationValuePattern)

// ValidOperationName reports whether name is within the schema's grammar
// for seam.operation (and its length limit).
func ValidOperationName(name string) bool { return validOperationName(name) }

// validOperationName reports whether name is within the schema's grammar.
func validOperationName(name string) bool {
	return len(name) <= semconv.SeamOperationMaxLength && operationGrammar.MatchString(name)
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
