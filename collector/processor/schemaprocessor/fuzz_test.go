package schemaprocessor

import (
	"context"
	"testing"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// FuzzOTLPJSON: any bytes the OTLP/HTTP receiver decodes as JSON, the way
// it does (pdata's JSON unmarshalers), go through the processor in
// enforce and in report mode without a panic, and what comes out encodes
// again.
func FuzzOTLPJSON(f *testing.F) {
	for _, seed := range []string{
		`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /login?password=hunter2","attributes":[{"key":"db.password","value":{"stringValue":"x"}},{"key":"http.method","value":{"stringValue":"GET"}}],"events":[{"name":"mail to a@example.com"}],"status":{"code":2,"message":"token=abc"}}]}]}]}`,
		`{"resourceLogs":[{"resource":{"attributes":[{"key":"service_name","value":{"stringValue":"legacy"}}]},"scopeLogs":[{"logRecords":[{"severityText":"warning","body":{"kvlistValue":{"values":[{"key":"password","value":{"stringValue":"hunter2"}},{"key":"list","value":{"arrayValue":{"values":[{"stringValue":"Bearer abc"}]}}}]}},"attributes":[{"key":"err","value":{"stringValue":"postgres://u:p@h/db"}}]}]}]}]}`,
		`{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}},{"key":"seam.impl","value":{"stringValue":"go"}}]},"scopeMetrics":[{"metrics":[{"name":"seam.operation.duration","unit":"ms","histogram":{"aggregationTemporality":2,"dataPoints":[{"attributes":[{"key":"seam.operation","value":{"stringValue":"checkout.price"}}],"count":"1","sum":12,"bucketCounts":["0","1"],"explicitBounds":[5],"exemplars":[{"asDouble":12,"filteredAttributes":[{"key":"user.email","value":{"stringValue":"a@b.io"}}]}]}]}},{"name":"seam.boundary.fallbacks","gauge":{"dataPoints":[{"asInt":"5"}]}},{"name":"app.requests","sum":{"isMonotonic":true,"aggregationTemporality":2,"dataPoints":[{"asDouble":1,"attributes":[{"key":"pod","value":{"stringValue":"p-1"}}]}]}}]}]}]}`,
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":""}]}]}]}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{ModeEnforce, ModeReport} {
			h := newHarness(t, mode)
			ctx := context.Background()
			if td, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(data); err == nil {
				_ = h.tp.ConsumeTraces(ctx, td)
				for _, out := range h.traces.AllTraces() {
					if _, err := (&ptrace.JSONMarshaler{}).MarshalTraces(out); err != nil {
						t.Fatalf("processed traces do not encode: %v", err)
					}
				}
			}
			if ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(data); err == nil {
				_ = h.lp.ConsumeLogs(ctx, ld)
				for _, out := range h.logs.AllLogs() {
					if _, err := (&plog.JSONMarshaler{}).MarshalLogs(out); err != nil {
						t.Fatalf("processed logs do not encode: %v", err)
					}
				}
			}
			if md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(data); err == nil {
				_ = h.mp.ConsumeMetrics(ctx, md)
				for _, out := range h.metrics.AllMetrics() {
					if _, err := (&pmetric.JSONMarshaler{}).MarshalMetrics(out); err != nil {
						t.Fatalf("processed metrics do not encode: %v", err)
					}
				}
			}
		}
	})
}
