package schemaprocessor

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processorhelper"
	"go.opentelemetry.io/collector/processor/processortest"

	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// batchSize is items per batch, the order of what the batch processor and
// SDK exporters send.
const batchSize = 512

// Each benchmark runs the same conformant batch through a pass-through
// processorhelper ("baseline": the cost any processor has) and through
// seam_schema in both modes, and reports items/s; the ratio to baseline is
// the enforcement's cost.

func benchTraces() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	putAttrs(rs.Resource().Attributes(), map[string]any{"service.name": "checkout", "seam.impl": "go", "service.version": "1.4.2"})
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	for i := 0; i < batchSize; i++ {
		s := spans.AppendEmpty()
		s.SetName("GET /v1/quote/{sku}")
		putAttrs(s.Attributes(), map[string]any{
			"http.request.method": "GET", "http.route": "/v1/quote/{sku}", "url.scheme": "https",
			"http.response.status_code": int64(200), "seam.operation": "checkout.price", "seam.correlation_id": fmt.Sprintf("01JD4X7K2M9QZ8R6T5W3V1N%03d", i%1000),
		})
	}
	return td
}

func benchMetrics() pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	putAttrs(rm.Resource().Attributes(), map[string]any{"service.name": "checkout", "seam.impl": "go"})
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	h := ms.AppendEmpty()
	h.SetName(semconv.SeamOperationDurationName)
	h.SetUnit("s")
	hist := h.SetEmptyHistogram()
	c := ms.AppendEmpty()
	c.SetName(semconv.SeamBoundaryPanicsName)
	c.SetUnit(semconv.SeamBoundaryPanicsUnit)
	sum := c.SetEmptySum()
	sum.SetIsMonotonic(true)
	for i := 0; i < batchSize/2; i++ {
		dp := hist.DataPoints().AppendEmpty()
		dp.ExplicitBounds().FromRaw(semconv.LatencyBoundaries)
		dp.BucketCounts().FromRaw(counts(len(semconv.LatencyBoundaries)))
		putAttrs(dp.Attributes(), map[string]any{"seam.operation": fmt.Sprintf("op-%d", i%100), "seam.impl": "go", "seam.role": []string{"baseline", "candidate"}[i%2]})
		sp := sum.DataPoints().AppendEmpty()
		sp.SetIntValue(int64(i))
		putAttrs(sp.Attributes(), map[string]any{"seam.operation": fmt.Sprintf("op-%d", i%100), "seam.boundary.kind": "ffi"})
	}
	return md
}

func benchLogs() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	putAttrs(rl.Resource().Attributes(), map[string]any{"service.name": "checkout", "seam.impl": "go"})
	recs := rl.ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < batchSize; i++ {
		r := recs.AppendEmpty()
		r.SetTimestamp(1)
		r.SetSeverityText("INFO")
		r.SetSeverityNumber(plog.SeverityNumberInfo)
		r.Body().SetStr(fmt.Sprintf("quote served for sku %d in 12ms", i))
		putAttrs(r.Attributes(), map[string]any{"seam.operation": "checkout.price", "seam.correlation_id": "01JD4X7K2M9QZ8R6T5W3V1N0PA"})
	}
	return ld
}

type variant struct {
	name string
	mode Mode // "" for the pass-through baseline
}

var variants = []variant{{"baseline", ""}, {"enforce", ModeEnforce}, {"report", ModeReport}}

func benchSettings() (processor.Settings, component.Config) {
	set := processortest.NewNopSettings(metadata.Type)
	return set, NewFactory().CreateDefaultConfig()
}

func reportItems(b *testing.B, items int) {
	b.ReportMetric(float64(b.N*items)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkTraces(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx := context.Background()
			set, cfg := benchSettings()
			var p consumer.Traces
			var err error
			if v.mode == "" {
				p, err = processorhelper.NewTraces(ctx, set, cfg, consumertest.NewNop(), func(_ context.Context, td ptrace.Traces) (ptrace.Traces, error) { return td, nil })
			} else {
				cfg.(*Config).Mode = v.mode
				p, err = NewFactory().CreateTraces(ctx, set, cfg, consumertest.NewNop())
			}
			if err != nil {
				b.Fatal(err)
			}
			td := benchTraces()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.ConsumeTraces(ctx, td); err != nil {
					b.Fatal(err)
				}
			}
			reportItems(b, batchSize)
		})
	}
}

func BenchmarkMetrics(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx := context.Background()
			set, cfg := benchSettings()
			var p consumer.Metrics
			var err error
			if v.mode == "" {
				p, err = processorhelper.NewMetrics(ctx, set, cfg, consumertest.NewNop(), func(_ context.Context, md pmetric.Metrics) (pmetric.Metrics, error) { return md, nil })
			} else {
				cfg.(*Config).Mode = v.mode
				p, err = NewFactory().CreateMetrics(ctx, set, cfg, consumertest.NewNop())
			}
			if err != nil {
				b.Fatal(err)
			}
			md := benchMetrics()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.ConsumeMetrics(ctx, md); err != nil {
					b.Fatal(err)
				}
			}
			reportItems(b, batchSize)
		})
	}
}

func BenchmarkLogs(b *testing.B) {
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			ctx := context.Background()
			set, cfg := benchSettings()
			var p consumer.Logs
			var err error
			if v.mode == "" {
				p, err = processorhelper.NewLogs(ctx, set, cfg, consumertest.NewNop(), func(_ context.Context, ld plog.Logs) (plog.Logs, error) { return ld, nil })
			} else {
				cfg.(*Config).Mode = v.mode
				p, err = NewFactory().CreateLogs(ctx, set, cfg, consumertest.NewNop())
			}
			if err != nil {
				b.Fatal(err)
			}
			ld := benchLogs()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := p.ConsumeLogs(ctx, ld); err != nil {
					b.Fatal(err)
				}
			}
			reportItems(b, batchSize)
		})
	}
}
