package runtimemetrics

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// processUsage is what the operating system says the process used: CPU
// seconds by mode, and resident memory (ok false where it cannot say).
type processUsage struct {
	user, system float64
	rss          int64
	cpuOK, rssOK bool
}

// startProcess registers process.cpu.time and process.memory.usage, read
// from the operating system at each collection: they count the whole
// process, Rust linked in through cgo included, which the Go runtime's own
// figures do not.
func startProcess(meter metric.Meter) error {
	user := metric.WithAttributeSet(attribute.NewSet(semconv.CPUModeUser))
	system := metric.WithAttributeSet(attribute.NewSet(semconv.CPUModeSystem))
	cpu, err := meter.Float64ObservableCounter(semconv.ProcessCPUTimeName,
		metric.WithUnit(semconv.ProcessCPUTimeUnit), metric.WithDescription(semconv.ProcessCPUTimeDescription))
	if err != nil {
		return err
	}
	mem, err := meter.Int64ObservableUpDownCounter(semconv.ProcessMemoryUsageName,
		metric.WithUnit(semconv.ProcessMemoryUsageUnit), metric.WithDescription(semconv.ProcessMemoryUsageDescription))
	if err != nil {
		return err
	}
	_, err = meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		u := readProcessUsage()
		if u.cpuOK {
			o.ObserveFloat64(cpu, u.user, user)
			o.ObserveFloat64(cpu, u.system, system)
		}
		if u.rssOK {
			o.ObserveInt64(mem, u.rss)
		}
		return nil
	}, cpu, mem)
	return err
}
