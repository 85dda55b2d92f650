package prometheusexporter

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/exporters/prometheusexporter/internal/metadata"
)

// droppedPointsName counts, in the collector's own telemetry, the data
// points seam_prometheus did not expose, by service and reason.
const droppedPointsName = "seam_prometheus.dropped_points"

// truncatedLabelsName counts, by service, the label values cut to
// max_label_value_bytes and the labels left out for a longer name, once per
// point (or target_info) that carried them.
const truncatedLabelsName = "seam_prometheus.truncated_labels"

// Why a point is not exposed: the reason attribute of droppedPointsName.
const (
	// reasonUnsupportedType: an exponential histogram or a summary.
	reasonUnsupportedType = "unsupported_type"
	// reasonInvalidName: the name cannot be made a Prometheus name.
	reasonInvalidName = "invalid_name"
	// reasonNameCollision: the name, or a name its type exposes (a
	// histogram's _bucket, _count and _sum, a counter's OpenMetrics family),
	// is taken by a metric that came first.
	reasonNameCollision = "name_collision"
	// reasonReservedName: the name, or one its type exposes, is the
	// exporter's own target_info.
	reasonReservedName = "reserved_name"
	// reasonInvalidHistogram: a histogram point with NaN, unordered or
	// duplicate bounds, counts that do not fit them, or more in its buckets
	// than its count.
	reasonInvalidHistogram = "invalid_histogram"
)

// Attributes of the self-telemetry counters.
const (
	attrService = "service"
	attrReason  = "reason"
)

// maxServiceLabels bounds the service values the counters carry; services
// past it are counted under overflowService.
const (
	maxServiceLabels = 1000
	overflowService  = "_other"
)

// unknownService is the service of a resource with no service.name.
const unknownService = "unknown_service"

type dropKey struct{ service, reason string }

// drops counts unexposed points per batch and adds them to the counter once
// per (service, reason). It is used under the accumulator's lock.
type drops struct {
	counter   metric.Int64Counter
	truncated metric.Int64Counter
	pending   map[dropKey]int64
	// pendingTruncated is keyed by service, with no reason.
	pendingTruncated map[dropKey]int64
	sets             map[dropKey]metric.AddOption
	services         map[string]struct{}
}

func newDrops(set component.TelemetrySettings) (*drops, error) {
	counter, err := set.MeterProvider.Meter(metadata.ScopeName).Int64Counter(droppedPointsName,
		metric.WithUnit("{point}"),
		metric.WithDescription("Data points seam_prometheus did not expose, by service and reason."))
	if err != nil {
		return nil, err
	}
	truncated, err := set.MeterProvider.Meter(metadata.ScopeName).Int64Counter(truncatedLabelsName,
		metric.WithUnit("{label}"),
		metric.WithDescription("Label values seam_prometheus cut to max_label_value_bytes, and labels it left out for a longer name, by service."))
	if err != nil {
		return nil, err
	}
	return &drops{
		counter:          counter,
		truncated:        truncated,
		pending:          map[dropKey]int64{},
		pendingTruncated: map[dropKey]int64{},
		sets:             map[dropKey]metric.AddOption{},
		services:         map[string]struct{}{},
	}, nil
}

func (d *drops) add(service, reason string, n int) {
	if n > 0 {
		d.pending[dropKey{service: service, reason: reason}] += int64(n)
	}
}

func (d *drops) truncate(service string, n int) {
	if n > 0 {
		d.pendingTruncated[dropKey{service: service}] += int64(n)
	}
}

// flush adds the batch's counts to the counters.
func (d *drops) flush(ctx context.Context) {
	for k, n := range d.pending {
		d.counter.Add(ctx, n, d.option(k))
	}
	clear(d.pending)
	for k, n := range d.pendingTruncated {
		d.truncated.Add(ctx, n, d.option(k))
	}
	clear(d.pendingTruncated)
}

// option caches the attribute set per key (a key without a reason has the
// service only): building it allocates.
func (d *drops) option(k dropKey) metric.AddOption {
	if _, ok := d.services[k.service]; !ok {
		if len(d.services) >= maxServiceLabels {
			k.service = overflowService
		} else {
			d.services[k.service] = struct{}{}
		}
	}
	if opt, ok := d.sets[k]; ok {
		return opt
	}
	attrs := []attribute.KeyValue{attribute.String(attrService, k.service)}
	if k.reason != "" {
		attrs = append(attrs, attribute.String(attrReason, k.reason))
	}
	opt := metric.WithAttributeSet(attribute.NewSet(attrs...))
	d.sets[k] = opt
	return opt
}

// serviceOf names a resource's service as its job label does:
// service.namespace/service.name.
func serviceOf(res pcommon.Map) string {
	name, ok := res.Get(attrServiceName)
	if !ok || name.AsString() == "" {
		return unknownService
	}
	if ns, ok := res.Get(attrServiceNamespace); ok && ns.AsString() != "" {
		return ns.AsString() + "/" + name.AsString()
	}
	return name.AsString()
}

// pointCount is how many data points a metric holds.
func pointCount(m pmetric.Metric) int {
	switch m.Type() {
	case pmetric.MetricTypeGauge:
		return m.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return m.Sum().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return m.Histogram().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return m.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return m.Summary().DataPoints().Len()
	}
	return 0
}
