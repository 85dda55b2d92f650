package main

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
	"go.opentelemetry.io/collector/pdata/pmetric/pmetricotlp"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/seamtel/seam/collector/internal/loaddata"
)

// signals build each signal's export request, marshalled once.
var signals = map[string]func(loaddata.Kind, int) (request, error){
	"traces": func(k loaddata.Kind, n int) (request, error) {
		b, err := ptraceotlp.NewExportRequestFromTraces(loaddata.Traces(k, n)).MarshalProto()
		return request{method: "/opentelemetry.proto.collector.trace.v1.TraceService/Export", body: b, items: n}, err
	},
	"metrics": func(k loaddata.Kind, n int) (request, error) {
		b, err := pmetricotlp.NewExportRequestFromMetrics(loaddata.Metrics(k, n)).MarshalProto()
		return request{method: "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", body: b, items: n}, err
	},
	"logs": func(k loaddata.Kind, n int) (request, error) {
		b, err := plogotlp.NewExportRequestFromLogs(loaddata.Logs(k, n)).MarshalProto()
		return request{method: "/opentelemetry.proto.collector.logs.v1.LogsService/Export", body: b, items: n}, err
	},
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
