package promname

// The collector's own telemetry (service.telemetry.metrics, :8888 in the
// default configuration) is not part of Seam's schema: these are the
// otelcol_* series the dashboards and rules may use, named as the collector
// v0.161 exposes them on its pull endpoint: without the _total and unit
// suffixes the schema's own metrics get, as a real scrape showed (the e2e
// test queries every one of them on a running collector).
const (
	OtelcolReceiverAcceptedSpans        = "otelcol_receiver_accepted_spans"
	OtelcolReceiverAcceptedMetricPoints = "otelcol_receiver_accepted_metric_points"
	OtelcolReceiverAcceptedLogRecords   = "otelcol_receiver_accepted_log_records"
	OtelcolReceiverRefusedSpans         = "otelcol_receiver_refused_spans"
	OtelcolReceiverRefusedMetricPoints  = "otelcol_receiver_refused_metric_points"
	OtelcolReceiverRefusedLogRecords    = "otelcol_receiver_refused_log_records"
	OtelcolExporterSentSpans            = "otelcol_exporter_sent_spans"
	OtelcolExporterSentMetricPoints     = "otelcol_exporter_sent_metric_points"
	OtelcolExporterSentLogRecords       = "otelcol_exporter_sent_log_records"
	OtelcolExporterSendFailedSpans      = "otelcol_exporter_send_failed_spans"
	OtelcolExporterSendFailedPoints     = "otelcol_exporter_send_failed_metric_points"
	OtelcolExporterSendFailedLogRecords = "otelcol_exporter_send_failed_log_records"
	OtelcolExporterEnqueueFailedSpans   = "otelcol_exporter_enqueue_failed_spans"
	OtelcolExporterEnqueueFailedPoints  = "otelcol_exporter_enqueue_failed_metric_points"
	OtelcolExporterEnqueueFailedLogs    = "otelcol_exporter_enqueue_failed_log_records"
	OtelcolExporterQueueSize            = "otelcol_exporter_queue_size"
	OtelcolExporterQueueCapacity        = "otelcol_exporter_queue_capacity"
	OtelcolProcessUptime                = "otelcol_process_uptime"
)

// Labels the collector puts on its own series, besides job and instance.
const (
	OtelcolReceiverLabel  = "receiver"
	OtelcolTransportLabel = "transport"
	OtelcolExporterLabel  = "exporter"
	OtelcolDataTypeLabel  = "data_type"
)

// otelcolResourceLabels are the collector's own resource attributes, which
// its internal telemetry puts on every series.
var otelcolResourceLabels = []string{"service_name", "service_instance_id", "service_version"}

// Otelcol is the allowlist: every otelcol_* series with the labels it has.
var Otelcol = func() map[string][]string {
	receiver := []string{OtelcolReceiverLabel, OtelcolTransportLabel}
	exporter := []string{OtelcolExporterLabel}
	queue := []string{OtelcolExporterLabel, OtelcolDataTypeLabel}
	m := map[string][]string{
		OtelcolReceiverAcceptedSpans:        receiver,
		OtelcolReceiverAcceptedMetricPoints: receiver,
		OtelcolReceiverAcceptedLogRecords:   receiver,
		OtelcolReceiverRefusedSpans:         receiver,
		OtelcolReceiverRefusedMetricPoints:  receiver,
		OtelcolReceiverRefusedLogRecords:    receiver,
		OtelcolExporterSentSpans:            exporter,
		OtelcolExporterSentMetricPoints:     exporter,
		OtelcolExporterSentLogRecords:       exporter,
		OtelcolExporterSendFailedSpans:      exporter,
		OtelcolExporterSendFailedPoints:     exporter,
		OtelcolExporterSendFailedLogRecords: exporter,
		OtelcolExporterEnqueueFailedSpans:   exporter,
		OtelcolExporterEnqueueFailedPoints:  exporter,
		OtelcolExporterEnqueueFailedLogs:    exporter,
		OtelcolExporterQueueSize:            queue,
		OtelcolExporterQueueCapacity:        queue,
		OtelcolProcessUptime:                nil,
	}
	for name, labels := range m {
		m[name] = append(append([]string(nil), labels...), otelcolResourceLabels...)
	}
	return m
}()
