package board

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/seamtel/seam/dashboards/slo"
)

// SLOs shows every SLO of alerts/slos.yaml from the series its generated
// recording rules keep: burn rates on the alerts' windows, the error ratio
// against the budget, the events behind it and the budget left.
func SLOs(c Config) *dashboard.DashboardBuilder {
	filter := []string{byService, byOperation}
	rec := func(name string) sel { return series(name, filter...) }
	id := "{{" + slo.LabelSLO + "}}"
	// burn is the error ratio over a window in budgets: 1 spends the
	// budget in exactly the period.
	burn := func(window string) query {
		return q(maxOf(overTime("max", rec(slo.RecordErrorRatio(window))), slo.LabelSLO)+
			" / "+maxOf(rec(slo.RecordErrorBudget).String(), slo.LabelSLO), id+" "+window)
	}
	page := steps("green", step(6, "orange"), step(14.4, "red"))
	ticket := steps("green", step(1, "yellow"), step(3, "orange"))

	b := newBoard("seam-slos", "Seam / SLOs",
		"The SLOs of alerts/slos.yaml: burn rates on the alerts' windows, error ratio against the budget, the budget left over "+c.SLOPeriod+".")
	b.WithPanel(statOf("Error budget left ("+c.SLOPeriod+")",
		"Share of the "+c.SLOPeriod+" error budget not yet spent, per SLO; below 0 it is overspent.",
		unitRatio, full,
		steps("red", step(0, "orange"), step(0.25, "green")),
		q(minOf(overTime("min", rec(slo.RecordBudgetRemaining)), slo.LabelSLO), id)))

	b.WithRow(row("Burn rate"))
	b.WithPanel(lines(timeSeries("Burn rate, page windows",
		"Error ratio over the budget on the windows of "+slo.AlertFastBurn+": it pages while 1h and 5m are both above 14.4, or 6h and 30m both above 6.",
		unitMultiplier, half,
		burn("1h"), burn("5m"), burn("6h"), burn("30m")), page))
	b.WithPanel(lines(timeSeries("Burn rate, ticket windows",
		"Error ratio over the budget on the windows of "+slo.AlertSlowBurn+": a ticket while 1d and 2h are both above 3, or 3d and 6h both above 1.",
		unitMultiplier, half,
		burn("1d"), burn("2h"), burn("3d"), burn("6h")), ticket))

	b.WithRow(row("Error ratio and events"))
	b.WithPanel(timeSeries("Error ratio against the budget",
		"Bad events over all events in the last hour, and the budget (1 - objective).",
		unitRatio, half,
		q(maxOf(overTime("max", rec(slo.RecordErrorRatio("1h"))), slo.LabelSLO), id+" 1h"),
		q(maxOf(overTime("max", rec(slo.RecordErrorBudget)), slo.LabelSLO), id+" budget")))
	b.WithPanel(timeSeries("Bad and total events",
		"The rates the ratios are made of, over 5 minutes: bad (errors, or executions over the latency threshold) and all events.",
		unitPerSecond, half,
		q(maxOf(overTime("max", rec(slo.RecordBadEvents("5m"))), slo.LabelSLO), id+" bad"),
		q(maxOf(overTime("max", rec(slo.RecordTotalEvents("5m"))), slo.LabelSLO), id+" total")))
	b.WithPanel(timeSeries("Error budget left over time",
		"Share of the "+c.SLOPeriod+" budget not yet spent.",
		unitRatio, full,
		q(minOf(overTime("min", rec(slo.RecordBudgetRemaining)), slo.LabelSLO), id)))
	return b
}
