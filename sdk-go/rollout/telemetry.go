package rollout

import (
	"context"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// outcome is what one shadow comparison found (seam.shadow.outcome).
type outcome uint8

const (
	outcomeMatch outcome = iota
	outcomeMismatch
	outcomeCandidateError
	outcomeTimeout
	outcomePanic
	outcomeSkipped
	numOutcomes
)

var outcomeAttrs = [numOutcomes]attribute.KeyValue{
	outcomeMatch:          semconv.SeamShadowOutcomeMatch,
	outcomeMismatch:       semconv.SeamShadowOutcomeMismatch,
	outcomeCandidateError: semconv.SeamShadowOutcomeCandidateError,
	outcomeTimeout:        semconv.SeamShadowOutcomeTimeout,
	outcomePanic:          semconv.SeamShadowOutcomePanic,
	outcomeSkipped:        semconv.SeamShadowOutcomeSkipped,
}

func (o outcome) String() string { return outcomeAttrs[o].Value.AsString() }

// arm is the implementation a decision sends a call to.
type arm uint8

const (
	armBaseline arm = iota
	armCandidate
	numArms
)

// armImpl is the seam.impl of each arm: Seam's baseline is Go, its
// candidate Rust.
var armImpl = [numArms]attribute.KeyValue{armBaseline: semconv.SeamImplGo, armCandidate: semconv.SeamImplRust}

// telemetry holds one rollout's instruments and every attribute set they
// record with, built once so that a call records without allocating.
type telemetry struct {
	comparisons, trips metric.Int64Counter
	state, share       metric.Float64Gauge

	// Decisions are one per call: an atomic add each, observed at
	// collection, costs a tenth of a synchronous counter's Add.
	decisions    metric.Int64ObservableCounter
	decided      [numModes][numArms]atomic.Int64
	decidedAttrs [numModes][numArms][]metric.ObserveOption
	registration metric.Registration

	compared [numOutcomes][]metric.AddOption
	tripped  [numTripReasons][]metric.AddOption
	inMode   [numModes][]metric.RecordOption
	op       []metric.RecordOption
}

func newTelemetry(mp metric.MeterProvider, operation string) (*telemetry, error) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter("github.com/seamtel/seam/sdk-go/rollout", metric.WithInstrumentationVersion(seam.Version), metric.WithSchemaURL(semconv.SchemaURL))
	t := &telemetry{}
	var err error
	if t.decisions, err = meter.Int64ObservableCounter(semconv.SeamRolloutDecisionsName,
		metric.WithUnit(semconv.SeamRolloutDecisionsUnit), metric.WithDescription(semconv.SeamRolloutDecisionsDescription)); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutDecisionsName, err)
	}
	if t.comparisons, err = semconv.NewSeamRolloutShadowComparisons(meter); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutShadowComparisonsName, err)
	}
	if t.trips, err = semconv.NewSeamRolloutTrips(meter); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutTripsName, err)
	}
	if t.state, err = semconv.NewSeamRolloutState(meter); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutStateName, err)
	}
	if t.share, err = semconv.NewSeamRolloutCandidateShare(meter); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutCandidateShareName, err)
	}
	op := semconv.SeamOperation(operation)
	add := func(kvs ...attribute.KeyValue) []metric.AddOption {
		return []metric.AddOption{metric.WithAttributeSet(attribute.NewSet(append([]attribute.KeyValue{op}, kvs...)...))}
	}
	for m := range t.decided {
		for a := range t.decided[m] {
			t.decidedAttrs[m][a] = []metric.ObserveOption{metric.WithAttributeSet(attribute.NewSet(op, modeAttrs[m], armImpl[a]))}
		}
		t.inMode[m] = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(op, modeAttrs[m]))}
	}
	for o := range t.compared {
		t.compared[o] = add(outcomeAttrs[o])
	}
	for r := range t.tripped {
		t.tripped[r] = add(tripAttrs[r])
	}
	t.op = []metric.RecordOption{metric.WithAttributeSet(attribute.NewSet(op))}
	if t.registration, err = meter.RegisterCallback(t.observe, t.decisions); err != nil {
		return nil, fmt.Errorf("%s: %w", semconv.SeamRolloutDecisionsName, err)
	}
	return t, nil
}

// observe reports the decisions counted so far, for the pairs that have any.
func (t *telemetry) observe(_ context.Context, o metric.Observer) error {
	for m := range t.decided {
		for a := range t.decided[m] {
			if n := t.decided[m][a].Load(); n > 0 {
				o.ObserveInt64(t.decisions, n, t.decidedAttrs[m][a]...)
			}
		}
	}
	return nil
}

// close stops observing: the rollout is gone.
func (t *telemetry) close() { _ = t.registration.Unregister() }

func (t *telemetry) decision(m Mode, a arm) { t.decided[m][a].Add(1) }

func (t *telemetry) comparison(ctx context.Context, o outcome) {
	t.comparisons.Add(ctx, 1, t.compared[o]...)
}

func (t *telemetry) trip(ctx context.Context, r tripReason) {
	t.trips.Add(ctx, 1, t.tripped[r]...)
}

// route records the mode the rollout is in (1 for it, 0 for the others)
// and the share the candidate serves.
func (t *telemetry) route(ctx context.Context, r Route) {
	for m := range t.inMode {
		v := 0.0
		if Mode(m) == r.Mode {
			v = 1
		}
		t.state.Record(ctx, v, t.inMode[m]...)
	}
	share := 0.0
	switch r.Mode {
	case Canary:
		share = r.Percent / 100
	case Candidate:
		share = 1
	}
	t.share.Record(ctx, share, t.op...)
}
