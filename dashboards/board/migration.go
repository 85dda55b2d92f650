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
	decisions := series(promname.Of(semconv.SeamRolloutDecisionsName).Prom, byService, byOperation)
	comparisons := series(promname.Of(semconv.SeamRolloutShadowComparisonsName).Prom, byService, byOperation)
	trips := series(promname.Of(semconv.SeamRolloutTripsName).Prom, byService, byOperation)
	share := series(promname.Of(semconv.SeamRolloutCandidateShareName).Prom, byService, byOperation)
	count := series(dur.Count(), byService, byOperation)
	bucket := series(dur.Bucket(), byService, byOperation)
	impl := "{{" + lImpl + "}}"

	b := newBoard("seam-migration", "Seam / Migration",
		"Per operation, the Go baseline against the Rust candidate: latency quantiles and heatmaps, each arm's share of the executions, error ratios, the rollout's routing, shadow comparisons and kill-switch trips.")
	b.WithPanel(stacked(timeSeries("Executions by implementation and role",
		"Executions per second of the selected operations, by implementation and role (baseline, candidate, shadow).",
		unitPerSecond, half,
		q(sum(rate(count), lOperation, lImpl, lRole), "{{"+lOperation+"}} "+impl+" {{"+lRole+"}}"))))
	b.WithPanel(timeSeries("Operations recorded under the overflow name",
		"Executions recorded as seam.operation=\""+semconv.SeamOperationOverflowValue+"\", past the cardinality limit or with a name outside the grammar: missing from their own operation's panels.",
		unitPerSecond, half,
		q(sum(rate(series(overflows.Prom, byService)), lService, lImpl, lOverflow), "{{"+lService+"}} "+impl+" {{"+lOverflow+"}}")))

	b.WithRow(row("$" + VarOperation).Repeat(VarOperation))
	// Fallback runs are the baseline serving for a failed candidate: kept
	// out of the comparison, as the judge keeps them.
	role := " {{" + lRole + "}}"
	compared := bucket.with(ne(lRole, semconv.SeamRoleFallback.Value.AsString()))
	b.WithPanel(timeSeries("Latency quantiles, Go vs Rust",
		"p50, p90 and p99 of the operation's duration per implementation and role (shadow runs apart from served traffic, fallback runs left out), from the buckets summed over every instance.",
		unitSeconds, half,
		q(quantile(0.5, compared, lImpl, lRole), "p50 "+impl+role),
		q(quantile(0.9, compared, lImpl, lRole), "p90 "+impl+role),
		q(quantile(0.99, compared, lImpl, lRole), "p99 "+impl+role)))
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
	b.WithPanel(stacked(timeSeries("Rollout: calls routed to each arm",
		"The rollout's routing decisions per second by the implementation chosen to serve and the mode; the line is the candidate's share now, after the kill switch (seam.rollout.candidate.share).",
		unitPerSecond, half,
		q(sum(rate(decisions), lImpl, lMode), impl+" ({{"+lMode+"}})"))))
	b.WithPanel(timeSeries("Rollout: candidate share",
		"The share of calls the candidate serves now, after the kill switch: 0 in shadow mode and while tripped.",
		unitRatio, half,
		q(maxOf(overTime("max", share)), "candidate share")).Max(1))
	b.WithPanel(timeSeries("Kill-switch trips",
		"Trips in the interval by reason: a trip drops the operation to its baseline until its route is set again.",
		unitCount, half,
		q(sum(increase(trips), lTripReason), "{{"+lTripReason+"}}")))
	b.WithPanel(stacked(timeSeries("Shadow comparisons by outcome",
		"Shadow runs of the candidate compared with the baseline, per second by outcome: any mismatch is a wrong answer, and the judge fails the operation on it.",
		unitPerSecond, half,
		q(sum(rate(comparisons), lOutcome), "{{"+lOutcome+"}}"))))
	b.WithPanel(timeSeries("Shadow mismatch ratio",
		"Mismatches over the comparisons that completed (match + mismatch); the kill switch trips above 1 % by default.",
		unitRatio, half,
		q(ratio(sum(rate(comparisons.with(eq(lOutcome, semconv.SeamShadowOutcomeMismatch.Value.AsString())))),
			sum(rate(comparisons.with(re(lOutcome, semconv.SeamShadowOutcomeMatch.Value.AsString()+"|"+semconv.SeamShadowOutcomeMismatch.Value.AsString()))))), "mismatch ratio")))
	return b
}
