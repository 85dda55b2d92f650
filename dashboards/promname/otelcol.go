package promname

// The collector's own telemetry (service.telemetry.metrics, :8888 in the
// default configuration) is not part of Seam's schema: these are the
// otelcol_* series the dashboards and rules may use, named as the collector
// v0.161 exposes them (exporterhelper's and receiverhelper's
// documentation.md, turned into Prometheus names by the same suffix rule).
const (
	OtelcolReceiverAcceptedSpans        = "otelcol_receiver_accepted_spans_total"
	OtelcolReceiverAcceptedMetricPoints = "otelcol_receiver_accepted_metric_points_total"
	OtelcolReceiverAcceptedLogRecords   = "otelcol_receiver_accepted_log_records_total"
	OtelcolReceiverRefusedSpans         = "otelcol_receiver_refused_spans_total"
	OtelcolReceiverRefusedMetricPoints  = "otelcol_receiver_refused_metric_points_total"
	OtelcolReceiverRefusedLogRecords    = "otelcol_receiver_refused_log_records_total"
	OtelcolExporterSentSpans            = "otelcol_exporter_sent_spans_total"
	OtelcolExporterSentMetricPoints     = "otelcol_exporter_sent_metric_points_total"
	OtelcolExporterSentLogRecords       = "otelcol_exporter_sent_log_records_total"
	OtelcolExporterSendFailedSpans      = "otelcol_exporter_send_failed_spans_total"
	OtelcolExporterSendFailedPoints     = "otelcol_exporter_send_failed_metric_points_total"
	OtelcolExporterSendFailedLogRecords = "otelcol_exporter_send_failed_log_records_total"
	OtelcolExporterEnqueueFailedSpans   = "otelcol_exporter_enqueue_failed_spans_total"
	OtelcolExporterEnqueueFailedPoints  = "otelcol_exporter_enqueue_failed_metric_points_total"
	OtelcolExporterEnqueueFailedLogs    = "otelcol_exporter_enqueue_failed_log_records_total"
	OtelcolExporterQueueSize            = "otelcol_exporter_queue_size"
	OtelcolExporterQueueCapacity        = "otelcol_exporter_queue_capacity"
	OtelcolProcessUptime                = "otelcol_process_uptime_seconds_total"
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
