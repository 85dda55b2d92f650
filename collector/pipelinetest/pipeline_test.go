package pipelinetest

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Prometheus names of the schema's metrics, as the OTel compatibility rules
// translate them.
const (
	promOperationDuration = "seam_operation_duration_seconds"
	promHTTPDuration      = "http_server_request_duration_seconds"
	promBoundaryPanics    = "seam_boundary_panics_total"
	promBoundaryFallbacks = "seam_boundary_fallbacks_total"
	promFindings          = "seam_collector_schema_findings"
)

func TestPipeline(t *testing.T) {
	c := startCollector(t)
	ctx := context.Background()

	// Conformant: Seam's instruments on a Seam resource, recorded inside a
	// sampled span so the histogram carries an exemplar.
	seam := newService(t, c.OTLPGRPC, semconv.ServiceNameKey.String("checkout"), semconv.SeamImplGo)
	duration, err := semconv.NewSeamOperationDuration(seam.meter)
	require.NoError(t, err)
	panics, err := semconv.NewSeamBoundaryPanics(seam.meter)
	require.NoError(t, err)
	spanCtx, span := seam.tracer.Start(ctx, "checkout.price")
	duration.Record(spanCtx, 0.0063, metric.WithAttributes(semconv.SeamOperation("checkout.price"), semconv.SeamImplGo, semconv.SeamRoleBaseline))
	span.End()
	traceID := span.SpanContext().TraceID().String()
	panics.Add(ctx, 2, metric.WithAttributes(semconv.SeamOperation("checkout.price"), semconv.SeamBoundaryKindFFI))
	seam.emitLog(ctx, "INFO", "quote served")

	// Foreign-spelled and violating: a service on older conventions, in
	// milliseconds, with an attribute the schema does not allow, a gauge
	// where the schema has a counter, a secret and a foreign log level.
	legacy := newService(t, c.OTLPGRPC, attribute.String("service_name", "legacy-api"), attribute.String("seam.impl", "go"))
	msBounds := make([]float64, len(semconv.LatencyBoundaries))
	for i, b := range semconv.LatencyBoundaries {
		msBounds[i] = b * 1000
	}
	httpMs, err := legacy.meter.Float64Histogram(semconv.HTTPServerRequestDurationName, metric.WithUnit("ms"), metric.WithExplicitBucketBoundaries(msBounds...))
	require.NoError(t, err)
	httpMs.Record(ctx, 12, metric.WithAttributes(attribute.String("http.method", "GET"), attribute.String("url.scheme", "https"), attribute.String("pod", "p-1")))
	fallbacks, err := legacy.meter.Int64Gauge(semconv.SeamBoundaryFallbacksName)
	require.NoError(t, err)
	fallbacks.Record(ctx, 5)
	_, lspan := legacy.tracer.Start(ctx, "GET /quote")
	lspan.SetAttributes(attribute.String("http.method", "GET"), attribute.String("db.password", "hunter2"))
	lspan.End()
	legacy.emitLog(ctx, "warning", "retrying with token ghp_"+strings.Repeat("x1Y2", 9))

	seam.flush(t)
	legacy.flush(t)

	fams := eventually(t, c.Prometheus, "the conformant and foreign metrics", func(f prometheustest.Families) bool {
		return f[promOperationDuration] != nil && f[promHTTPDuration] != nil && f[promBoundaryPanics] != nil
	})

	t.Run("conformant histogram: name, le set, labels, exemplar", func(t *testing.T) {
		mf := fams[promOperationDuration]
		require.Equal(t, dto.MetricType_HISTOGRAM, mf.GetType())
		got := prometheustest.Series(mf, map[string]string{"seam_operation": "checkout.price"})
		require.Len(t, got, 1)
		l := prometheustest.Labels(got[0])
		assert.Equal(t, "checkout", l["service_name"], "service.name promoted")
		assert.Equal(t, "go", l["seam_impl"], "seam.impl promoted")
		assert.Equal(t, "baseline", l["seam_role"])
		assert.Equal(t, "checkout", l["job"])
		assert.Equal(t, semconv.LatencyBoundaries, prometheustest.UpperBounds(got[0]))
		var exemplarTrace string
		for _, b := range got[0].GetHistogram().GetBucket() {
			if ex := b.GetExemplar(); ex != nil {
				for _, lp := range ex.GetLabel() {
					if lp.GetName() == "trace_id" {
						exemplarTrace = lp.GetValue()
					}
				}
				assert.InDelta(t, 0.0063, ex.GetValue(), 1e-12)
				assert.InDelta(t, 0.0063, b.GetUpperBound(), 0.002, "the exemplar sits in the bucket of its value")
			}
		}
		assert.Equal(t, traceID, exemplarTrace, "the exemplar links to the span's trace")
	})

	t.Run("counter", func(t *testing.T) {
		got := prometheustest.Series(fams[promBoundaryPanics], map[string]string{"seam_boundary_kind": "ffi", "service_name": "checkout"})
		require.Len(t, got, 1)
		assert.EqualValues(t, 2, got[0].GetCounter().GetValue())
	})

	t.Run("foreign spellings normalised", func(t *testing.T) {
		got := prometheustest.Series(fams[promHTTPDuration], map[string]string{"service_name": "legacy-api"})
		require.Len(t, got, 1, "service_name renamed to service.name, then promoted")
		l := prometheustest.Labels(got[0])
		assert.Equal(t, "GET", l["http_request_method"], "http.method renamed")
		assert.NotContains(t, l, "http_method")
		assert.NotContains(t, l, "pod", "non-schema attribute dropped")
		assert.Equal(t, semconv.LatencyBoundaries, prometheustest.UpperBounds(got[0]), "ms bounds converted to the schema's seconds")
		assert.InDelta(t, 0.012, got[0].GetHistogram().GetSampleSum(), 1e-12)
		assert.Nil(t, fams["http_server_request_duration_milliseconds"])
	})

	t.Run("violations dropped", func(t *testing.T) {
		assert.Nil(t, fams[promBoundaryFallbacks])
		assert.Nil(t, fams["seam_boundary_fallbacks"], "a gauge where the schema has a counter never reaches Prometheus")
	})

	t.Run("resource in target_info", func(t *testing.T) {
		got := prometheustest.Series(fams["target_info"], map[string]string{"job": "checkout"})
		require.Len(t, got, 1)
		assert.EqualValues(t, 1, got[0].GetGauge().GetValue())
		assert.Equal(t, "go", prometheustest.Labels(got[0])["seam_impl"])
	})

	t.Run("findings and self-telemetry", func(t *testing.T) {
		want := map[string]string{
			"deprecated":        "legacy-api",
			"foreign_spelling":  "legacy-api",
			"unit_mismatch":     "legacy-api",
			"missing_attribute": "legacy-api",
			"type_mismatch":     "legacy-api",
			"redacted":          "legacy-api",
		}
		tel := eventually(t, c.Telemetry, "findings counters", func(f prometheustest.Families) bool {
			for rule, svc := range want {
				if prometheustest.CounterSum(f[promFindings], map[string]string{"seam_finding_rule": rule, "service_name": svc}) < 1 {
					t.Logf("no %s finding for %s yet", rule, svc)
					return false
				}
			}
			return true
		})
		assert.Zero(t, prometheustest.CounterSum(tel[promFindings], map[string]string{"service_name": "checkout", "seam_telemetry_signal": "metrics"}),
			"conformant data has no findings")
		// The exact names the dashboards and alert rules use
		// (dashboards/promname/otelcol.go): no suffixes on this endpoint.
		accepted := tel["otelcol_receiver_accepted_metric_points"]
		require.NotNil(t, accepted, "accepted points are visible")
		assert.Positive(t, prometheustest.CounterSum(accepted, nil))
		for _, name := range []string{"otelcol_receiver_refused_metric_points", "otelcol_exporter_queue_size", "otelcol_exporter_queue_capacity", "otelcol_process_uptime"} {
			assert.NotNil(t, tel[name], "%s is exposed under that name", name)
		}
	})

	t.Run("traces redacted and renamed", func(t *testing.T) {
		span := eventuallySpan(t, filepath.Join(c.Dir, "traces.jsonl"), "GET /quote")
		attrs := span.Attributes().AsRaw()
		assert.Equal(t, semconv.RedactionReplacement, attrs["db.password"])
		assert.Equal(t, "GET", attrs["http.request.method"])
		assert.NotContains(t, attrs, "http.method")
	})

	t.Run("logs level and body", func(t *testing.T) {
		rec := eventuallyLog(t, filepath.Join(c.Dir, "logs.jsonl"), "retrying")
		assert.Equal(t, "WARN", rec.SeverityText())
		assert.EqualValues(t, semconv.SeverityWarn, rec.SeverityNumber())
		assert.Equal(t, "retrying with token [REDACTED:github_token]", rec.Body().Str())
	})
}

// readLines returns the JSON lines a file exporter has written so far.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}

func eventuallySpan(t *testing.T, path, name string) ptrace.Span {
	t.Helper()
	var u ptrace.JSONUnmarshaler
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range readLines(t, path) {
			td, err := u.UnmarshalTraces(line)
			require.NoError(t, err)
			rss := td.ResourceSpans()
			for i := 0; i < rss.Len(); i++ {
				sss := rss.At(i).ScopeSpans()
				for j := 0; j < sss.Len(); j++ {
					spans := sss.At(j).Spans()
					for k := 0; k < spans.Len(); k++ {
						if spans.At(k).Name() == name {
							return spans.At(k)
						}
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("span %q not written to %s", name, path)
	return ptrace.Span{}
}

func eventuallyLog(t *testing.T, path, bodyPrefix string) plog.LogRecord {
	t.Helper()
	var u plog.JSONUnmarshaler
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range readLines(t, path) {
			ld, err := u.UnmarshalLogs(line)
			require.NoError(t, err)
			rls := ld.ResourceLogs()
			for i := 0; i < rls.Len(); i++ {
				sls := rls.At(i).ScopeLogs()
				for j := 0; j < sls.Len(); j++ {
					recs := sls.At(j).LogRecords()
					for k := 0; k < recs.Len(); k++ {
						if strings.HasPrefix(recs.At(k).Body().AsString(), bodyPrefix) {
							return recs.At(k)
						}
					}
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("log record %q... not written to %s", bodyPrefix, path)
	return plog.LogRecord{}
}
