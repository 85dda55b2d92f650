package prometheusexporter

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"
)

// Resource attributes that identify the target (job and instance), as the
// OTel Prometheus compatibility spec maps them.
const (
	attrServiceName       = "service.name"
	attrServiceNamespace  = "service.namespace"
	attrServiceInstanceID = "service.instance.id"
	labelJob              = "job"
	labelInstance         = "instance"
	labelBucket           = "le"
	exportedPrefix        = "exported_"
	targetInfoName        = "target_info"
	targetInfoHelp        = "Target metadata"
)

// Exemplar label names: a bucket's exemplar points at a trace.
const (
	exemplarTraceID = "trace_id"
	exemplarSpanID  = "span_id"
)

// series is the latest state of one exposed series.
type series struct {
	name        string
	labelNames  []string
	labelValues []string
	kind        kind
	value       float64
	// Histogram state: per-bucket (not cumulative) counts.
	bounds    []float64
	buckets   []uint64
	count     uint64
	sum       float64
	exemplars []prometheus.Exemplar
	updated   time.Time
	// service holds the series in the budget.
	service string
}

// target is one resource's target_info series.
type target struct {
	labelNames  []string
	labelValues []string
	updated     time.Time
	service     string
}

// accumulator keeps the latest value of every series between scrapes.
type accumulator struct {
	logger     *zap.Logger
	expiration time.Duration
	promoted   []string
	// maxLabelBytes is max_label_value_bytes.
	maxLabelBytes int

	mu       sync.Mutex
	drops    *drops
	budget   *budget
	families map[string]*family
	// names maps every name the exposition uses to the family holding it
	// (names.go).
	names   map[string]string
	series  map[string]*series
	targets map[string]*target
	// conflicts remembers names already logged as conflicting.
	conflicts map[string]struct{}
}

func newAccumulator(set component.TelemetrySettings, cfg *Config) (*accumulator, error) {
	d, err := newDrops(set)
	if err != nil {
		return nil, err
	}
	return &accumulator{
		logger:        set.Logger,
		expiration:    cfg.MetricExpiration,
		promoted:      cfg.PromotedResourceAttributes,
		maxLabelBytes: cfg.MaxLabelValueBytes,
		drops:         d,
		budget:        newBudget(cfg),
		families:      map[string]*family{},
		names:         map[string]string{targetInfoName: reservedOwner},
		series:        map[string]*series{},
		targets:       map[string]*target{},
		conflicts:     map[string]struct{}{},
	}, nil
}

// consume folds a batch into the accumulator.
func (a *accumulator) consume(md pmetric.Metrics, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	defer a.drops.flush(context.Background())
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		res := rm.Resource().Attributes()
		service := serviceOf(res)
		base := targetLabels(res, a.maxLabelBytes)
		a.updateTarget(res, service, base, now)
		for _, attr := range a.promoted {
			if v, ok := res.Get(attr); ok {
				if name, err := labelName(attr); err == nil {
					base.put(exportedName(name, false), v.AsString())
				}
			}
		}
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				a.consumeMetric(ms.At(k), service, base, now)
			}
		}
	}
}

func (a *accumulator) updateTarget(res pcommon.Map, service string, base labelSet, now time.Time) {
	if len(base.names) == 0 {
		return
	}
	l := base.clone()
	for k, v := range res.All() {
		switch k {
		case attrServiceName, attrServiceNamespace, attrServiceInstanceID:
			continue
		}
		if name, err := labelName(k); err == nil {
			l.put(exportedName(name, false), v.AsString())
		}
	}
	a.drops.truncate(service, l.truncated)
	key := l.key(targetInfoName)
	t, ok := a.targets[key]
	if !ok {
		if reason := a.budget.admit(service); reason != "" {
			a.refuse(service, reason)
			return
		}
		t = &target{labelNames: l.names, labelValues: l.values, service: service}
		a.targets[key] = t
	}
	t.updated = now
}

func (a *accumulator) consumeMetric(m pmetric.Metric, service string, base labelSet, now time.Time) {
	k, t, ok := kindOf(m)
	if !ok {
		a.conflict(m.Name(), "a "+m.Type().String()+" metric is not exposed")
		a.drops.add(service, reasonUnsupportedType, pointCount(m))
		return
	}
	name, err := metricName(m, t)
	if err == nil && len(name) > a.maxLabelBytes {
		err = fmt.Errorf("the name is longer than max_label_value_bytes (%d)", a.maxLabelBytes)
	}
	if err != nil {
		a.conflict(truncate(m.Name(), 256), err.Error())
		a.drops.add(service, reasonInvalidName, pointCount(m))
		return
	}
	// Prometheus refuses the whole scrape over a HELP that is not UTF-8.
	fam, reason := a.claim(name, k, truncate(validUTF8(m.Description()), a.maxLabelBytes))
	if fam == nil {
		a.drops.add(service, reason, pointCount(m))
		return
	}
	switch m.Type() {
	case pmetric.MetricTypeSum:
		delta := m.Sum().AggregationTemporality() == pmetric.AggregationTemporalityDelta
		a.consumeNumbers(fam, name, service, k, m.Sum().DataPoints(), delta, base, now)
	case pmetric.MetricTypeGauge:
		a.consumeNumbers(fam, name, service, k, m.Gauge().DataPoints(), false, base, now)
	case pmetric.MetricTypeHistogram:
		delta := m.Histogram().AggregationTemporality() == pmetric.AggregationTemporalityDelta
		a.consumeHistograms(fam, name, service, m.Histogram().DataPoints(), delta, base, now)
	}
	a.releaseIfUnused(name)
}

// conflict logs, once per name, why a metric is not exposed.
func (a *accumulator) conflict(name, why string) {
	a.warnOnce(name, "metric not exposed", zap.String("metric", name), zap.String("reason", why))
}

// warnOnce logs msg the first time key comes up (for the first 10000 keys).
func (a *accumulator) warnOnce(key, msg string, fields ...zap.Field) {
	if _, logged := a.conflicts[key]; logged || len(a.conflicts) > 10000 {
		return
	}
	a.conflicts[key] = struct{}{}
	a.logger.Warn(msg, fields...)
}

// seriesFor returns the series a point updates, or nil if it is new and the
// budget refuses it.
func (a *accumulator) seriesFor(fam *family, name, service string, k kind, base labelSet, attrs pcommon.Map) *series {
	l := base.clone()
	histogram := k == kindHistogram
	if histogram {
		l.rename(labelBucket, exportedPrefix+labelBucket)
	}
	l.putAttributes(attrs, histogram)
	a.drops.truncate(service, l.truncated)
	key := l.key(name)
	s, ok := a.series[key]
	if !ok {
		if reason := a.budget.admit(service); reason != "" {
			a.refuse(service, reason)
			return nil
		}
		s = &series{name: name, kind: k, labelNames: l.names, labelValues: l.values, service: service}
		a.series[key] = s
		fam.series++
	}
	return s
}

func (a *accumulator) consumeNumbers(fam *family, name, service string, k kind, dps pmetric.NumberDataPointSlice, delta bool, base labelSet, now time.Time) {
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		if dp.Flags().NoRecordedValue() {
			continue
		}
		s := a.seriesFor(fam, name, service, k, base, dp.Attributes())
		if s == nil {
			continue
		}
		v := dp.DoubleValue()
		if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
			v = float64(dp.IntValue())
		}
		if delta {
			s.value += v
		} else {
			s.value = v
		}
		// Prometheus has exemplars on counters and histogram buckets only:
		// client_golang refuses to write a gauge with one, which dropped the
		// gauge from the scrape. A gauge's exemplars are left out.
		if k == kindCounter && dp.Exemplars().Len() > 0 {
			s.exemplars = convertExemplars(dp.Exemplars(), s.exemplars[:0], 1)
		}
		s.updated = now
	}
}

func (a *accumulator) consumeHistograms(fam *family, name, service string, dps pmetric.HistogramDataPointSlice, delta bool, base labelSet, now time.Time) {
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		if dp.Flags().NoRecordedValue() {
			continue
		}
		bounds, counts, ok := histogramBuckets(dp)
		if !ok {
			a.conflict(name, "a histogram point with NaN, unordered or duplicate bounds, counts that do not fit them, or more in its buckets than its count")
			a.drops.add(service, reasonInvalidHistogram, 1)
			continue
		}
		s := a.seriesFor(fam, name, service, kindHistogram, base, dp.Attributes())
		if s == nil {
			continue
		}
		if delta && s.buckets != nil && sameFloats(s.bounds, bounds) {
			for b := range counts {
				s.buckets[b] += counts[b]
			}
			s.count += dp.Count()
			s.sum += dp.Sum()
		} else {
			s.bounds, s.buckets, s.count, s.sum = bounds, counts, dp.Count(), dp.Sum()
		}
		if dp.Exemplars().Len() > 0 {
			s.exemplars = convertExemplars(dp.Exemplars(), s.exemplars[:0], len(counts))
		}
		s.updated = now
	}
}

// histogramBuckets returns a point's bounds and per-bucket counts as a
// classic histogram can expose them, or ok false for a point Prometheus
// could not use: NaN, unordered or duplicate bounds, bucket counts that do
// not fit the bounds, or more in the buckets than the count (the +Inf
// bucket, which is the count, would be below the others). A point without
// buckets has its count and sum only; a last bound of +Inf is the overflow
// bucket's and is merged into it.
func histogramBuckets(dp pmetric.HistogramDataPoint) (bounds []float64, counts []uint64, ok bool) {
	counts = dp.BucketCounts().AsRaw()
	if len(counts) == 0 {
		return nil, []uint64{dp.Count()}, true
	}
	bounds = dp.ExplicitBounds().AsRaw()
	if len(counts) != len(bounds)+1 {
		return nil, nil, false
	}
	if n := len(bounds); n > 0 && math.IsInf(bounds[n-1], 1) {
		counts[n-1] += counts[n]
		bounds, counts = bounds[:n-1], counts[:n]
	}
	for i, b := range bounds {
		if math.IsNaN(b) || (i > 0 && b <= bounds[i-1]) {
			return nil, nil, false
		}
	}
	var total uint64
	for _, c := range counts {
		if total+c < total {
			return nil, nil, false
		}
		total += c
	}
	if total > dp.Count() {
		return nil, nil, false
	}
	return bounds, counts, true
}

// convertExemplars keeps at most limit exemplars, the latest ones.
func convertExemplars(es pmetric.ExemplarSlice, out []prometheus.Exemplar, limit int) []prometheus.Exemplar {
	start := 0
	if es.Len() > limit {
		start = es.Len() - limit
	}
	for i := start; i < es.Len(); i++ {
		e := es.At(i)
		labels := prometheus.Labels{}
		if tid := e.TraceID(); !tid.IsEmpty() {
			labels[exemplarTraceID] = tid.String()
		}
		if sid := e.SpanID(); !sid.IsEmpty() {
			labels[exemplarSpanID] = sid.String()
		}
		v := e.DoubleValue()
		if e.ValueType() == pmetric.ExemplarValueTypeInt {
			v = float64(e.IntValue())
		}
		out = append(out, prometheus.Exemplar{Value: v, Labels: labels, Timestamp: e.Timestamp().AsTime()})
	}
	return out
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
