package board

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Boundary shows the crossings between the implementations (FFI, HTTP,
// gRPC, queue): their durations, panics and fallbacks.
func Boundary() *dashboard.DashboardBuilder {
	call := promname.Of(semconv.SeamBoundaryCallDurationName)
	panics := promname.Of(semconv.SeamBoundaryPanicsName)
	fallbacks := promname.Of(semconv.SeamBoundaryFallbacksName)
	bucket := series(call.Bucket(), byService, byOperation)
	calls := series(call.Count(), byService, byOperation)
	kind := "{{" + lBoundaryKind + "}}"
	opKind := "{{" + lOperation + "}} " + kind

	b := newBoard("seam-boundary", "Seam / Boundary",
		"Calls from one implementation to the other by seam.boundary.kind: how long they take, how often they fail, panic or fall back.")
	b.WithRow(row("Calls"))
	b.WithPanel(timeSeries("Call duration by kind",
		"p50 and p99 of a boundary call's duration, by kind of boundary.",
		unitSeconds, half,
		q(quantile(0.5, bucket, lBoundaryKind), "p50 "+kind),
		q(quantile(0.99, bucket, lBoundaryKind), "p99 "+kind)))
	b.WithPanel(timeSeries("Calls by operation and kind",
		"Boundary calls per second.",
		unitPerSecond, half,
		q(sum(rate(calls), lOperation, lBoundaryKind), opKind)))
	b.WithPanel(heatmapOf("Call duration heatmap",
		"Boundary calls per second in each bucket of the latency layout, every kind.",
		bucket, half))
	b.WithPanel(timeSeries("Call error ratio by kind",
		"Share of boundary calls that ended with an error.type; 0 while there are none.",
		unitRatio, half,
		q(ratio(sum(rate(calls.with(isError)), lBoundaryKind), sum(rate(calls), lBoundaryKind)), kind)))

	b.WithRow(row("Panics and fallbacks"))
	b.WithPanel(timeSeries("Panics",
		"Panics caught at the boundary in each interval, by operation and kind. Every one is a bug in the code behind the boundary.",
		unitCount, third,
		q(sum(increase(series(panics.Prom, byService, byOperation)), lOperation, lBoundaryKind), opKind)))
	b.WithPanel(timeSeries("Fallbacks by error type",
		"Calls served by the fallback per second, by kind and the error.type that made the call fail.",
		unitPerSecond, third,
		q(sum(rate(series(fallbacks.Prom, byService, byOperation)), lBoundaryKind, lError), kind+" {{"+lError+"}}")))
	b.WithPanel(timeSeries("Fallback ratio",
		"Share of the boundary's calls served by the fallback, by operation and kind.",
		unitRatio, third,
		q(sum(rate(series(fallbacks.Prom, byService, byOperation)), lOperation, lBoundaryKind)+" / "+
			sum(rate(calls), lOperation, lBoundaryKind), opKind)))
	return b
}
