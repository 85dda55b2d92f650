package conformance

import (
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/seamtel/seam/schema"
)

var (
	jobTrace     = pcommon.TraceID{9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}
	producerSpan = pcommon.SpanID{8, 8, 8, 8, 8, 8, 8, 8}
	consumerSpan = pcommon.SpanID{9, 9, 9, 9, 9, 9, 9, 9}
)

// queueJob is a receipt crossing the queue: the Go producer span under the
// request, the Rust consumer span in a trace of its own linked to it, the
// consumer's log record, and each end's messaging metrics.
type queueJob struct {
	link        bool
	correlation string
	lag         bool
}

func (j queueJob) addTo(c *Capture, reg *schema.Registry) {
	td := ptrace.NewTraces()
	goRS := td.ResourceSpans().AppendEmpty()
	goRS.Resource().Attributes().PutStr(implKey, "go")
	p := goRS.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	p.SetName("publish pricing.receipts")
	p.SetTraceID(traceID)
	p.SetSpanID(producerSpan)
	p.SetParentSpanID(goSpan)
	p.SetKind(ptrace.SpanKindProducer)
	p.Attributes().PutStr(messagingSystemKey, "nats")
	rustRS := td.ResourceSpans().AppendEmpty()
	rustRS.Resource().Attributes().PutStr(implKey, "rust")
	s := rustRS.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	s.SetName("process pricing.receipts")
	s.SetTraceID(jobTrace)
	s.SetSpanID(consumerSpan)
	s.SetKind(ptrace.SpanKindConsumer)
	s.Attributes().PutStr(messagingSystemKey, "nats")
	if j.link {
		l := s.Links().AppendEmpty()
		l.SetTraceID(traceID)
		l.SetSpanID(producerSpan)
	}
	c.Traces = append(c.Traces, td)

	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(implKey, "rust")
	lr := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
	lr.SetTimestamp(pcommon.NewTimestampFromTime(time.Unix(2, 0)))
	lr.SetSeverityText("INFO")
	lr.SetSeverityNumber(plog.SeverityNumberInfo)
	lr.Body().SetStr("receipt audited")
	lr.SetTraceID(jobTrace)
	lr.SetSpanID(consumerSpan)
	lr.Attributes().PutStr(correlationKey, j.correlation)
	c.Logs = append(c.Logs, ld)

	where := map[string]string{"messaging.system": "nats", "messaging.destination.name": "pricing.receipts"}
	processing := map[string]string{"messaging.system": "nats", "messaging.destination.name": "pricing.receipts", "messaging.operation.name": "process"}
	c.Metrics = append(c.Metrics,
		metricOf("go", "messaging.client.sent.messages", reg, map[string]string{"messaging.system": "nats", "messaging.destination.name": "pricing.receipts", "messaging.operation.name": "publish"}),
		metricOf("rust", "messaging.client.consumed.messages", reg, processing),
		metricOf("rust", "messaging.process.duration", reg, processing))
	if j.lag {
		c.Metrics = append(c.Metrics, metricOf("rust", "seam.messaging.lag", reg, where))
	}
}

// metricOf is one point of the registry's metric name, as impl sends it.
func metricOf(impl, name string, reg *schema.Registry, attrs map[string]string) pmetric.Metrics {
	def := reg.Metric(name)
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr(implKey, impl)
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName(name)
	m.SetUnit(def.Unit)
	var pointAttrs pcommon.Map
	if def.Instrument == "histogram" {
		dp := m.SetEmptyHistogram().DataPoints().AppendEmpty()
		dp.ExplicitBounds().FromRaw(def.Boundaries)
		dp.BucketCounts().FromRaw(make([]uint64, len(def.Boundaries)+1))
		pointAttrs = dp.Attributes()
	} else {
		sum := m.SetEmptySum()
		sum.SetIsMonotonic(true)
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		dp := sum.DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		pointAttrs = dp.Attributes()
	}
	for k, v := range attrs {
		pointAttrs.PutStr(k, v)
	}
	return md
}

// A job crossing the queue passes when the consumer links to the producer,
// the consumer logs under the request's correlation ID, and both ends'
// metrics arrived; each break is named.
func TestQueueCrossing(t *testing.T) {
	reg := loadRegistry(t)
	bounds := reg.Metric("seam.operation.duration").Boundaries
	const id = "01JD4X7K2M9QZ8R6T5W3V1N0PA" // the request's, as side.logs writes it
	for _, tc := range []struct {
		name string
		job  queueJob
		want string
	}{
		{"conformant", queueJob{link: true, correlation: id, lag: true}, ""},
		{"no link", queueJob{link: false, correlation: id, lag: true}, "traces/unlinked_consumer traces/missing_crossing"},
		{"another correlation ID", queueJob{link: true, correlation: "01JD4X7K2M9QZ8R6T5W3V1N0PB", lag: true}, "correlation/correlation_mismatch"},
		{"no lag", queueJob{link: true, correlation: id, lag: false}, "cross_language/missing_metric"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := capture(reg, side{"go", bounds, []string{correlationKey}}, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
			tc.job.addTo(c, reg)
			if got := rules(Check(c, reg, DefaultExpectations().WithQueue())); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
		})
	}
	// Without WithQueue, a capture with no queue at all still passes.
	c := capture(reg, side{"go", bounds, []string{correlationKey}}, side{"rust", bounds, []string{correlationKey}}, ffiSpan)
	if got := rules(Check(c, reg, DefaultExpectations())); got != "" {
		t.Errorf("findings %q without a queue expected", got)
	}
}
