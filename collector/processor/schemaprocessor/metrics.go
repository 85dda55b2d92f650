package schemaprocessor

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/internal/metricpoints"
)

// metricContext is what every metric of one resource shares.
type metricContext struct {
	f            *findings
	service      string
	resourceHash uint64
	now          int64
}

func (p *schemaProcessor) processMetrics(ctx context.Context, md pmetric.Metrics) (pmetric.Metrics, error) {
	f := p.newFindings(signalMetrics)
	now := time.Now().UnixNano()
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		mc := metricContext{f: &f, now: now}
		mc.service = p.normalizeResource(rm.Resource(), &f)
		mc.resourceHash = hashAttributes(rm.Resource().Attributes())
		if p.enforce {
			rm.SetSchemaUrl(p.schema.url)
		}
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			if p.enforce {
				sm.SetSchemaUrl(p.schema.url)
			}
			p.normalizeAttributes(sm.Scope().Attributes(), nil, subject{&f, mc.service, sm.Scope().Name()})
			sm.Metrics().RemoveIf(func(m pmetric.Metric) bool { return !p.processMetric(m, mc) })
		}
		if p.enforce {
			sms.RemoveIf(func(sm pmetric.ScopeMetrics) bool { return sm.Metrics().Len() == 0 })
		}
	}
	if p.enforce {
		rms.RemoveIf(func(rm pmetric.ResourceMetrics) bool { return rm.ScopeMetrics().Len() == 0 })
	}
	p.finish(ctx, &f)
	return md, nil
}

// processMetric checks and, in enforce mode, fixes one metric. It returns
// false when the metric must be dropped.
func (p *schemaProcessor) processMetric(m pmetric.Metric, mc metricContext) bool {
	sub := subject{mc.f, mc.service, m.Name()}
	// Exemplars carry the attributes a view filtered out of their point:
	// as sensitive as the point's, whatever becomes of the metric.
	metricpoints.ForEachExemplarAttributes(m, func(attrs pcommon.Map) {
		for k, v := range attrs.All() {
			p.redactValue(k, v, sub)
		}
	})
	spec := p.schema.metrics[m.Name()]
	if spec == nil {
		sub.add(RuleMissingMetric, "metric is not in the schema")
		metricpoints.ForEachAttributes(m, func(attrs pcommon.Map) { p.normalizeAttributes(attrs, nil, sub) })
		return true
	}
	if !p.checkInstrument(m, spec, sub) {
		return p.keepUnfixable(m, sub)
	}
	factor := 1.0
	if m.Unit() != spec.unit {
		f, ok := unitFactor(m.Unit(), spec.unit)
		if !ok {
			sub.add(RuleUnitMismatch, fmt.Sprintf("unit %q cannot be converted to the schema's %q", m.Unit(), spec.unit))
			return p.keepUnfixable(m, sub)
		}
		sub.add(RuleUnitMismatch, fmt.Sprintf("unit %q converted to the schema's %q", m.Unit(), spec.unit))
		factor = f
		if p.enforce {
			scaleMetric(m, factor)
			m.SetUnit(spec.unit)
			factor = 1
		}
	}

	state := p.cardinality.stream(spec.name, mc.resourceHash)
	state.mu.Lock()
	defer state.mu.Unlock()
	switch m.Type() {
	case pmetric.MetricTypeSum:
		p.processNumberPoints(m.Sum().DataPoints(), sumKind(m.Sum()), spec, state, mc, sub)
		return !p.enforce || m.Sum().DataPoints().Len() > 0
	case pmetric.MetricTypeGauge:
		p.processNumberPoints(m.Gauge().DataPoints(), kindGauge, spec, state, mc, sub)
		return !p.enforce || m.Gauge().DataPoints().Len() > 0
	case pmetric.MetricTypeHistogram:
		cumulative := m.Histogram().AggregationTemporality() == pmetric.AggregationTemporalityCumulative
		p.processHistogramPoints(m.Histogram().DataPoints(), cumulative, factor, spec, state, mc, sub)
		return !p.enforce || m.Histogram().DataPoints().Len() > 0
	}
	return true
}

// keepUnfixable decides the fate of a metric that cannot be made to
// conform: enforce mode drops it; report mode keeps it and still reports
// what its attributes hold.
func (p *schemaProcessor) keepUnfixable(m pmetric.Metric, sub subject) bool {
	if p.enforce {
		return false
	}
	metricpoints.ForEachAttributes(m, func(attrs pcommon.Map) { p.normalizeAttributes(attrs, nil, sub) })
	return true
}

// checkInstrument reports whether m can be the schema's instrument, turning
// a gauge into an updowncounter where the schema asks for one.
func (p *schemaProcessor) checkInstrument(m pmetric.Metric, spec *metricSpec, sub subject) bool {
	got := metricpoints.Instrument(m)
	if got == spec.instrument {
		return true
	}
	if spec.instrument == "updowncounter" && got == "gauge" {
		sub.add(RuleTypeMismatch, "a gauge where the schema has an updowncounter: converted")
		if p.enforce {
			gaugeToUpDownCounter(m)
		}
		return true
	}
	if spec.instrument == "histogram" && got == "exponential histogram" {
		sub.add(RuleBucketMismatch, "an exponential histogram where the schema has explicit buckets")
		return false
	}
	sub.add(RuleTypeMismatch, fmt.Sprintf("a %s where the schema has a %s", got, spec.instrument))
	return false
}

func gaugeToUpDownCounter(m pmetric.Metric) {
	dps := pmetric.NewNumberDataPointSlice()
	m.Gauge().DataPoints().MoveAndAppendTo(dps)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(false)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dps.MoveAndAppendTo(sum.DataPoints())
}

// pointKind says how points that became one series combine.
type pointKind uint8

const (
	kindGauge pointKind = iota
	kindDelta
	kindCumulative
	kindCumulativeMonotonic
)

func sumKind(sum pmetric.Sum) pointKind {
	switch {
	case sum.AggregationTemporality() != pmetric.AggregationTemporalityCumulative:
		return kindDelta
	case sum.IsMonotonic():
		return kindCumulativeMonotonic
	default:
		return kindCumulative
	}
}

func (p *schemaProcessor) processNumberPoints(dps pmetric.NumberDataPointSlice, kind pointKind, spec *metricSpec, state *metricState, mc metricContext, sub subject) {
	var folded map[int]uint64
	for i := 0; i < dps.Len(); i++ {
		if changed, in := p.guardPoint(dps.At(i).Attributes(), spec, state, mc, sub); changed {
			if folded == nil {
				folded = map[int]uint64{}
			}
			folded[i] = in
		}
	}
	if folded == nil || !p.enforce {
		return
	}
	switch kind {
	case kindGauge:
		mergeNumberPoints(dps, mergeLatest)
	case kindDelta:
		mergeNumberPoints(dps, mergeSum)
	default:
		p.foldNumberPoints(dps, folded, kind == kindCumulativeMonotonic, state, mc, sub)
		mergeNumberPoints(dps, mergeLast)
	}
}

func (p *schemaProcessor) processHistogramPoints(dps pmetric.HistogramDataPointSlice, cumulative bool, factor float64, spec *metricSpec, state *metricState, mc metricContext, sub subject) {
	dps.RemoveIf(func(dp pmetric.HistogramDataPoint) bool {
		if p.conformBuckets(dp, factor, spec, sub) {
			return false
		}
		if !p.enforce {
			p.normalizeAttributes(dp.Attributes(), nil, sub)
		}
		return p.enforce
	})
	var folded map[int]uint64
	for i := 0; i < dps.Len(); i++ {
		if changed, in := p.guardPoint(dps.At(i).Attributes(), spec, state, mc, sub); changed {
			if folded == nil {
				folded = map[int]uint64{}
			}
			folded[i] = in
		}
	}
	if folded == nil || !p.enforce {
		return
	}
	if !cumulative {
		mergeHistogramPoints(dps, mergeSum)
		return
	}
	p.foldHistogramPoints(dps, folded, state, mc, sub)
	mergeHistogramPoints(dps, mergeLast)
}

// guardPoint normalises one data point's attributes and applies the
// metric's allow-list and cardinality limits. It returns whether the
// attribute set changed in a way that may merge it with another point and,
// if so, the hash of the attributes before that change: the input stream.
func (p *schemaProcessor) guardPoint(attrs pcommon.Map, spec *metricSpec, state *metricState, mc metricContext, sub subject) (changed bool, in uint64) {
	// before records the input stream once, ahead of the first lossy change.
	before := func() {
		if !changed {
			in = hashAttributes(attrs)
			changed = true
		}
	}
	findingsBefore := sub.f.total
	pt := pointKeys{metric: spec}
	if p.normalizeAttributes(attrs, &pt, sub) {
		for k := range attrs.All() {
			if !p.allowedOrRenamed(k, spec) {
				sub.add(RuleMissingAttribute, k, " is not an attribute of ", spec.name)
			}
		}
		if p.enforce {
			before()
			attrs.RemoveIf(func(k string, _ pcommon.Value) bool {
				_, ok := spec.allowed[k]
				return !ok
			})
		}
	}
	// With no finding so far the point is as it was read, and what
	// normalizeAttributes learnt of it holds.
	known := sub.f.total == findingsBefore && pt.fits()
	for i, req := range spec.required {
		if known && pt.required&(1<<i) != 0 {
			continue
		}
		if !p.present(attrs, req) {
			sub.add(RuleRequiredAttributeNotPresent, req, " is required on ", spec.name)
		}
	}
	for i, lim := range spec.limited {
		var v pcommon.Value
		var ok bool
		if known {
			v, ok = pt.limited[i], pt.limitedSet&(1<<i) != 0
		} else {
			v, ok = attrs.Get(lim.id)
		}
		if !ok || v.Type() != pcommon.ValueTypeStr {
			continue
		}
		if !state.admitValue(lim.id, lim.cardinalityLimit, v.Str()) {
			sub.add(RuleCardinalityOverflow, lim.id, " is past its cardinality limit")
			if p.enforce {
				overflow := lim.overflowValue
				if overflow == "" {
					overflow = defaultOverflowValue
				}
				before()
				v.SetStr(overflow)
			}
		}
	}
	if spec.seriesLimit > 0 {
		sum := pt.sum
		if sub.f.total != findingsBefore {
			// Something was found, so attrs may have changed since they
			// were hashed.
			sum = hashAttributes(attrs)
		}
		h := mix(mc.resourceHash, sum)
		if !state.admitSeries(h, spec.seriesLimit, mc.now, p.cardinality.ttl) {
			sub.add(RuleSeriesOverflow, spec.name, " is past its series limit")
			if p.enforce {
				before()
				attrs.Clear()
				attrs.PutBool(OverflowKey, true)
			}
		}
	}
	return changed, in
}

// allowedOrRenamed reports whether k is allowed on spec, directly or by the
// name it is renamed to (report mode leaves old spellings in place).
func (p *schemaProcessor) allowedOrRenamed(k string, spec *metricSpec) bool {
	if _, ok := spec.allowed[k]; ok {
		return true
	}
	if to := p.schema.keys[k].renameTo; to != "" {
		_, ok := spec.allowed[to]
		return ok
	}
	return false
}

// present reports whether attrs has key, under its own name or, in report
// mode where nothing was renamed, under a spelling that renames to it.
func (p *schemaProcessor) present(attrs pcommon.Map, key string) bool {
	if _, ok := attrs.Get(key); ok {
		return true
	}
	if p.enforce {
		return false
	}
	for _, from := range p.schema.renamedFrom[key] {
		if _, ok := attrs.Get(from); ok {
			return true
		}
	}
	return false
}

// conformBuckets checks a histogram point's bounds (times factor, for a
// unit not yet converted) against the schema's. Bounds that are a
// refinement of the schema's are merged down in enforce mode; it returns
// false when the point cannot be made to fit.
func (p *schemaProcessor) conformBuckets(dp pmetric.HistogramDataPoint, factor float64, spec *metricSpec, sub subject) bool {
	got := dp.ExplicitBounds()
	if factor == 1 && got.Equal(spec.bounds) {
		// The common case, SDKs using the schema's layout: one comparison
		// of the slices instead of a tolerant one per bound.
		return true
	}
	if got.Len() == len(spec.boundaries) {
		same, exact := true, true
		for i, w := range spec.boundaries {
			if !closeTo(got.At(i)*factor, w) {
				same = false
				break
			}
			exact = exact && got.At(i) == w
		}
		if same {
			// Converted bounds (ms to s) carry rounding: 0.015 ms is
			// 1.5000000000000002e-05 s. Exposed as they are, they would be
			// another le set than the schema's.
			if !exact && p.enforce && factor == 1 {
				dp.ExplicitBounds().FromRaw(spec.boundaries)
			}
			return true
		}
	}
	scaled := make([]float64, got.Len())
	for i := range scaled {
		scaled[i] = got.At(i) * factor
	}
	mapping, ok := rebucketMap(scaled, spec.boundaries)
	if !ok || dp.BucketCounts().Len() != len(mapping) {
		sub.add(RuleBucketMismatch, fmt.Sprintf("%d bounds that cannot be mapped onto the schema's %d", got.Len(), len(spec.boundaries)))
		return false
	}
	sub.add(RuleBucketMismatch, fmt.Sprintf("%d bounds merged onto the schema's %d", got.Len(), len(spec.boundaries)))
	if p.enforce {
		counts := make([]uint64, len(spec.boundaries)+1)
		for i := 0; i < dp.BucketCounts().Len(); i++ {
			counts[mapping[i]] += dp.BucketCounts().At(i)
		}
		dp.ExplicitBounds().FromRaw(spec.boundaries)
		dp.BucketCounts().FromRaw(counts)
	}
	return true
}
