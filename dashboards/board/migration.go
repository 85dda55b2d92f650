package board

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Migration compares the Go and the Rust implementation of each operation:
// a row per operation, repeated over the operation variable.
func Migration() *dashboard.DashboardBuilder {
	dur := promname.Of(semconv.SeamOperationDurationName)
	overflows := promname.Of(semconv.SeamOperationOverflowsName)
	count := series(dur.Count(), byService, byOperation)
	bucket := series(dur.Bucket(), byService, byOperation)
	impl := "{{" + lImpl + "}}"

	b := newBoard("seam-migration", "Seam / Migration",
		"Per operation, the Go baseline against the Rust candidate: latency quantiles and heatmaps, each arm's share of the executions, error ratios.")
	b.WithPanel(stacked(timeSeries("Executions by implementation and role",
		"Executions per second of the selected operations, by implementation and role (baseline, candidate, shadow).",
		unitPerSecond, half,
		q(sum(rate(count), lOperation, lImpl, lRole), "{{"+lOperation+"}} "+impl+" {{"+lRole+"}}"))))
	b.WithPanel(timeSeries("Operations recorded under the overflow name",
		"Executions recorded as seam.operation=\""+semconv.SeamOperationOverflowValue+"\", past the cardinality limit or with a name outside the grammar: missing from their own operation's panels.",
		unitPerSecond, half,
		q(sum(rate(series(overflows.Prom, byService)), lService, lImpl, lOverflow), "{{"+lService+"}} "+impl+" {{"+lOverflow+"}}")))

	b.WithRow(row("$" + VarOperation).Repeat(VarOperation))
	b.WithPanel(timeSeries("Latency quantiles, Go vs Rust",
		"p50, p90 and p99 of the operation's duration per implementation, from the buckets summed over every instance.",
		unitSeconds, half,
		q(quantile(0.5, bucket, lImpl), "p50 "+impl),
		q(quantile(0.9, bucket, lImpl), "p90 "+impl),
		q(quantile(0.99, bucket, lImpl), "p99 "+impl)))
	b.WithPanel(stacked(timeSeries("Share of executions",
		"Each implementation's share of the operation's executions.",
		unitRatio, half,
		q(sum(rate(count), lImpl)+" / ignoring ("+lImpl+") group_left () "+sum(rate(count)), impl))).Max(1))
	b.WithPanel(heatmapOf("Latency heatmap, Go",
		"Executions per second in each bucket of the latency layout, Go implementation.",
		bucket.with(eq(lImpl, implGo)), half))
	b.WithPanel(heatmapOf("Latency heatmap, Rust",
		"Executions per second in each bucket of the latency layout, Rust implementation.",
		bucket.with(eq(lImpl, implRust)), half))
	b.WithPanel(timeSeries("Error ratio",
		"Share of executions that ended with an error.type, per implementation; 0 while there are none.",
		unitRatio, half,
		q(ratio(sum(rate(count.with(isError)), lImpl), sum(rate(count), lImpl)), impl)))
	b.WithPanel(timeSeries("Errors by type",
		"Failed executions per second by implementation and error.type.",
		unitPerSecond, half,
		q(sum(rate(count.with(isError)), lImpl, lError), impl+" {{"+lError+"}}")))
	return b
}
