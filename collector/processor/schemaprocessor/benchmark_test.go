package schemaprocessor

import (
	"context"
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

	"github.com/seamtel/seam/collector/internal/loaddata"
	"github.com/seamtel/seam/collector/processor/schemaprocessor/internal/metadata"
)

// batchSize is items per batch, the order of what the batch processor and
// SDK exporters send.
const batchSize = 512

// Each benchmark runs loaddata's batches (the ones the side-by-side load
// harness sends) through a pass-through processorhelper ("baseline": the
// cost any processor has) and through seam_schema in both modes, and
// reports items/s; the ratio to baseline is the enforcement's cost.
// Conformant batches are sent as they are, again and again; a foreign batch
// is copied fresh for every call (enforce mode fixes it in place), in the
// baseline too, so the copy cancels out of the ratio.

type variant struct {
	name string
	mode Mode // "" for the pass-through baseline
}

var kinds = []loaddata.Kind{loaddata.Conformant, loaddata.Foreign}

var variants = []variant{{"baseline", ""}, {"enforce", ModeEnforce}, {"report", ModeReport}}

func benchSettings() (processor.Settings, component.Config) {
	set := processortest.NewNopSettings(metadata.Type)
	return set, NewFactory().CreateDefaultConfig()
}

func reportItems(b *testing.B, items int) {
	b.ReportMetric(float64(b.N*items)/b.Elapsed().Seconds(), "items/s")
}

func BenchmarkTraces(b *testing.B) {
	for _, kind := range kinds {
		for _, v := range variants {
			b.Run(kind.String()+"/"+v.name, func(b *testing.B) {
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
				td := loaddata.Traces(kind, batchSize)
				batch := td
				if kind == loaddata.Foreign {
					batch = ptrace.NewTraces()
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if kind == loaddata.Foreign {
						td.CopyTo(batch)
					}
					if err := p.ConsumeTraces(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				reportItems(b, batchSize)
			})
		}
	}
}

func BenchmarkMetrics(b *testing.B) {
	for _, kind := range kinds {
		for _, v := range variants {
			b.Run(kind.String()+"/"+v.name, func(b *testing.B) {
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
				md := loaddata.Metrics(kind, batchSize)
				batch := md
				if kind == loaddata.Foreign {
					batch = pmetric.NewMetrics()
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if kind == loaddata.Foreign {
						md.CopyTo(batch)
					}
					if err := p.ConsumeMetrics(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				reportItems(b, batchSize)
			})
		}
	}
}

func BenchmarkLogs(b *testing.B) {
	for _, kind := range kinds {
		for _, v := range variants {
			b.Run(kind.String()+"/"+v.name, func(b *testing.B) {
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
				ld := loaddata.Logs(kind, batchSize)
				batch := ld
				if kind == loaddata.Foreign {
					batch = plog.NewLogs()
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if kind == loaddata.Foreign {
						ld.CopyTo(batch)
					}
					if err := p.ConsumeLogs(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
				reportItems(b, batchSize)
			})
		}
	}
}
