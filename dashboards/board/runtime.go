package board

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Runtime shows both runtimes per process: Go's garbage collector, heap,
// allocation, goroutines and cgo calls; the Rust global allocator.
func Runtime() *dashboard.DashboardBuilder {
	gcPause := promname.Of(semconv.GoMemoryGCPauseDurationName)
	sched := promname.Of(semconv.GoScheduleDurationName)
	used := promname.Of(semconv.GoMemoryUsedName)
	goal := promname.Of(semconv.GoMemoryGCGoalName)
	limit := promname.Of(semconv.GoMemoryLimitName)
	allocated := promname.Of(semconv.GoMemoryAllocatedName)
	allocations := promname.Of(semconv.GoMemoryAllocationsName)
	goroutines := promname.Of(semconv.GoGoroutineCountName)
	cgo := promname.Of(semconv.SeamGoCgoCallsName)
	cpu := promname.Of(semconv.ProcessCPUTimeName)
	rss := promname.Of(semconv.ProcessMemoryUsageName)
	rustUsed := promname.Of(semconv.SeamRustMemoryUsedName)
	rustAllocated := promname.Of(semconv.SeamRustMemoryAllocatedName)
	rustAllocations := promname.Of(semconv.SeamRustMemoryAllocationsName)
	inst := "{{" + lService + "}} {{" + lInstance + "}}"
	of := func(m promname.Metric) sel { return series(m.Prom, byService) }
	bucketOf := func(m promname.Metric) sel { return series(m.Bucket(), byService) }

	b := newBoard("seam-runtime", "Seam / Runtime",
		"Per process: Go's GC pauses, heap, allocation rate, goroutines and cgo calls; the Rust allocator's live memory and allocation rate; process CPU and memory.")
	b.WithRow(row("Go runtime"))
	b.WithPanel(timeSeries("GC pause",
		"p50 and p99 of the stop-the-world GC pauses, per process.",
		unitSeconds, third,
		q(quantile(0.5, bucketOf(gcPause), lService, lInstance), "p50 "+inst),
		q(quantile(0.99, bucketOf(gcPause), lService, lInstance), "p99 "+inst)))
	b.WithPanel(timeSeries("Time in GC pauses",
		"Share of wall-clock time the process spent stopped for the GC.",
		unitRatio, third,
		q(sum(rate(series(gcPause.Sum(), byService)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("Scheduling latency",
		"p99 of the time goroutines wait runnable before they run.",
		unitSeconds, third,
		q(quantile(0.99, bucketOf(sched), lService, lInstance), "p99 "+inst)))
	b.WithPanel(timeSeries("Heap",
		"Memory the Go runtime uses by type, against the GC's heap goal and the memory limit.",
		unitBytes, half,
		q(maxOf(overTime("max", of(used)), lService, lInstance, lMemoryType), inst+" {{"+lMemoryType+"}}"),
		q(maxOf(overTime("max", of(goal)), lService, lInstance), "goal "+inst),
		q(maxOf(overTime("max", of(limit)), lService, lInstance), "limit "+inst)))
	b.WithPanel(timeSeries("Allocation rate",
		"Bytes allocated on the Go heap per second.",
		unitBytesPerS, half,
		q(sum(rate(of(allocated)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("Allocations",
		"Heap allocations per second.",
		unitPerSecond, third,
		q(sum(rate(of(allocations)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("Goroutines",
		"Live goroutines, the most in each interval.",
		unitCount, third,
		q(maxOf(overTime("max", of(goroutines)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("cgo calls",
		"Calls from Go into C per second: the FFI boundary's crossings.",
		unitPerSecond, third,
		q(sum(rate(of(cgo)), lService, lInstance), inst)))

	b.WithRow(row("Rust allocator"))
	b.WithPanel(timeSeries("Rust memory in use",
		"Bytes live in the Rust global allocator, the most in each interval.",
		unitBytes, third,
		q(maxOf(overTime("max", of(rustUsed)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("Rust allocation rate",
		"Bytes the Rust global allocator hands out per second.",
		unitBytesPerS, third,
		q(sum(rate(of(rustAllocated)), lService, lInstance), inst)))
	b.WithPanel(timeSeries("Rust allocations",
		"Allocations by the Rust global allocator per second.",
		unitPerSecond, third,
		q(sum(rate(of(rustAllocations)), lService, lInstance), inst)))

	b.WithRow(row("Process"))
	b.WithPanel(stacked(timeSeries("CPU",
		"CPU seconds per second (1 is one core), by mode.",
		unitCount, half,
		q(sum(rate(of(cpu)), lService, lInstance, lCPUMode), inst+" {{"+lCPUMode+"}}"))))
	b.WithPanel(timeSeries("Resident memory",
		"The process's resident memory, the most in each interval.",
		unitBytes, half,
		q(maxOf(overTime("max", of(rss)), lService, lInstance), inst)))
	return b
}
