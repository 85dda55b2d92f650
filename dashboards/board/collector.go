package board

import (
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/seamtel/seam/dashboards/promname"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Collector shows the telemetry's own health: the schema's findings, what
// the SDKs dropped, and what the collector accepted, refused, failed to
// send or holds in its queues.
func Collector() *dashboard.DashboardBuilder {
	findings := promname.Of(semconv.SeamCollectorSchemaFindingsName)
	dropped := promname.Of(semconv.SeamTelemetryDroppedName)
	byReceiver := func(name string) string { return sum(rate(series(name)), lInstance, promname.OtelcolReceiverLabel) }
	byExporter := func(name string) string { return sum(rate(series(name)), lInstance, promname.OtelcolExporterLabel) }
	recv := "{{" + lInstance + "}} {{" + promname.OtelcolReceiverLabel + "}}"
	exp := "{{" + lInstance + "}} {{" + promname.OtelcolExporterLabel + "}}"
	queue := "{{" + lInstance + "}} {{" + promname.OtelcolExporterLabel + "}} {{" + promname.OtelcolDataTypeLabel + "}}"

	b := newBoard("seam-collector", "Seam / Collector",
		"The telemetry's health: schema findings by rule, items the SDKs dropped, and the collector's accepted, refused and failed items and its sending queues.")
	b.WithRow(row("Schema and SDKs"))
	b.WithPanel(timeSeries("Schema findings by rule",
		"Findings of the collector's schema enforcement per second, by rule: data renamed, redacted or dropped on the way.",
		unitPerSecond, half,
		q(sum(rate(series(findings.Prom, byService)), lFindingRule), "{{"+lFindingRule+"}}")))
	b.WithPanel(timeSeries("Schema findings by service and signal",
		"The same findings by the service that sent the data and its signal.",
		unitPerSecond, half,
		q(sum(rate(series(findings.Prom, byService)), lService, lSignal), "{{"+lService+"}} {{"+lSignal+"}}")))
	b.WithPanel(timeSeries("Dropped by the SDKs",
		"Telemetry items the SDKs dropped per second rather than block the service, by signal and reason.",
		unitPerSecond, full,
		q(sum(rate(series(dropped.Prom, byService)), lService, lImpl, lSignal, lReason),
			"{{"+lService+"}} {{"+lImpl+"}} {{"+lSignal+"}} {{"+lReason+"}}")))

	b.WithRow(row("Receivers"))
	b.WithPanel(timeSeries("Accepted",
		"Items the collector's receivers accepted per second.",
		unitPerSecond, half,
		q(byReceiver(promname.OtelcolReceiverAcceptedSpans), "spans "+recv),
		q(byReceiver(promname.OtelcolReceiverAcceptedMetricPoints), "metric points "+recv),
		q(byReceiver(promname.OtelcolReceiverAcceptedLogRecords), "log records "+recv)))
	b.WithPanel(timeSeries("Refused",
		"Items the receivers refused per second, mostly under the memory limiter's back-pressure.",
		unitPerSecond, half,
		q(byReceiver(promname.OtelcolReceiverRefusedSpans), "spans "+recv),
		q(byReceiver(promname.OtelcolReceiverRefusedMetricPoints), "metric points "+recv),
		q(byReceiver(promname.OtelcolReceiverRefusedLogRecords), "log records "+recv)))

	b.WithRow(row("Exporters"))
	b.WithPanel(timeSeries("Send failures",
		"Items the exporters failed to send per second, after their retries: lost.",
		unitPerSecond, third,
		q(byExporter(promname.OtelcolExporterSendFailedSpans), "spans "+exp),
		q(byExporter(promname.OtelcolExporterSendFailedPoints), "metric points "+exp),
		q(byExporter(promname.OtelcolExporterSendFailedLogRecords), "log records "+exp)))
	b.WithPanel(timeSeries("Enqueue failures",
		"Items a full sending queue could not take per second: lost.",
		unitPerSecond, third,
		q(byExporter(promname.OtelcolExporterEnqueueFailedSpans), "spans "+exp),
		q(byExporter(promname.OtelcolExporterEnqueueFailedPoints), "metric points "+exp),
		q(byExporter(promname.OtelcolExporterEnqueueFailedLogs), "log records "+exp)))
	b.WithPanel(timeSeries("Sending queue",
		"Batches in each exporter's sending queue, the most in each interval, against its capacity.",
		unitCount, third,
		q(maxOf(overTime("max", series(promname.OtelcolExporterQueueSize)), lInstance, promname.OtelcolExporterLabel, promname.OtelcolDataTypeLabel), "size "+queue),
		q(maxOf(overTime("max", series(promname.OtelcolExporterQueueCapacity)), lInstance, promname.OtelcolExporterLabel, promname.OtelcolDataTypeLabel), "capacity "+queue)))
	return b
}
