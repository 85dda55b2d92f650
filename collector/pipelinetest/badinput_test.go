package pipelinetest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// postMetrics sends an OTLP/HTTP protobuf request and returns the status
// and body of the answer.
func postMetrics(t *testing.T, c *running, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+c.OTLPHTTP+"/v1/metrics", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-protobuf")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(msg)
}

// panicsBatch is a valid batch of seam.boundary.panics points, one per
// operation name, for service.
func panicsBatch(service string, operations ...string) []byte {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", service)
	rm.Resource().Attributes().PutStr("seam.impl", "go")
	m := rm.ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
	m.SetName(semconv.SeamBoundaryPanicsName)
	m.SetUnit(semconv.SeamBoundaryPanicsUnit)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	now := time.Now()
	for _, op := range operations {
		dp := sum.DataPoints().AppendEmpty()
		dp.SetIntValue(1)
		dp.SetTimestamp(pcommonTime(now))
		dp.Attributes().PutStr("seam.operation", op)
		dp.Attributes().PutStr("seam.boundary.kind", "ffi")
	}
	var marshaler pmetric.ProtoMarshaler
	body, err := marshaler.MarshalMetrics(md)
	if err != nil {
		panic(err)
	}
	return body
}

// stillServes checks that the collector is healthy and that a valid batch
// sent now reaches /metrics.
func stillServes(t *testing.T, c *running, marker string) {
	t.Helper()
	require.True(t, c.healthy(), "health_check answers")
	code, msg := postMetrics(t, c, panicsBatch("canary", marker), nil)
	require.Equal(t, http.StatusOK, code, msg)
	eventually(t, c.Prometheus, "the canary "+marker, func(f prometheustest.Families) bool {
		return len(prometheustest.Series(f[promBoundaryPanics], map[string]string{"service_name": "canary", "seam_operation": marker})) == 1
	})
}

func TestBadInput(t *testing.T) {
	c := startCollector(t)

	t.Run("malformed protobuf is refused", func(t *testing.T) {
		code, msg := postMetrics(t, c, []byte("\x0a\xff\xff\xff\xff\x0fnot a protobuf"), nil)
		assert.Equal(t, http.StatusBadRequest, code)
		assert.NotEmpty(t, msg, "the refusal says why")
		stillServes(t, c, "after-malformed")
	})

	t.Run("a body over the size limit is refused", func(t *testing.T) {
		ops := make([]string, 0, 40000)
		for i := 0; i < cap(ops); i++ {
			ops = append(ops, fmt.Sprintf("oversize-%06d", i))
		}
		body := panicsBatch("oversize", ops...)
		require.Greater(t, len(body), c.MaxBodyBytes)
		code, _ := postMetrics(t, c, body, nil)
		assert.GreaterOrEqual(t, code, 400)
		assert.Less(t, code, 500)
		stillServes(t, c, "after-oversize")
		assert.Empty(t, prometheustest.Series(scrape(t, c.Prometheus)[promBoundaryPanics], map[string]string{"service_name": "oversize"}))
	})

	t.Run("a gzip bomb is refused", func(t *testing.T) {
		var bomb bytes.Buffer
		zw, err := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
		require.NoError(t, err)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 512; i++ { // 512 MiB once inflated
			_, err := zw.Write(zeros)
			require.NoError(t, err)
		}
		require.NoError(t, zw.Close())
		require.Less(t, bomb.Len(), c.MaxBodyBytes, "small on the wire")
		code, _ := postMetrics(t, c, bomb.Bytes(), map[string]string{"Content-Encoding": "gzip"})
		assert.GreaterOrEqual(t, code, 400)
		assert.Less(t, code, 500)
		stillServes(t, c, "after-bomb")
		rss := scrape(t, c.Telemetry).WithPrefix("otelcol_process_memory_rss")
		require.NotNil(t, rss)
		assert.Less(t, rss.GetMetric()[0].GetGauge().GetValue(), float64(400<<20), "the bomb was not inflated in memory")
	})

	t.Run("invalid UTF-8 in attribute values is bounded", func(t *testing.T) {
		code, msg := postMetrics(t, c, panicsBatch("utf8", "bad-\xff\xfe-op"), nil)
		switch code {
		case http.StatusOK:
			fams := eventually(t, c.Prometheus, "the invalid UTF-8 series", func(f prometheustest.Families) bool {
				return len(prometheustest.Series(f[promBoundaryPanics], map[string]string{"service_name": "utf8"})) == 1
			})
			op := prometheustest.Labels(prometheustest.Series(fams[promBoundaryPanics], map[string]string{"service_name": "utf8"})[0])["seam_operation"]
			assert.True(t, utf8.ValidString(op), "exposed as valid UTF-8")
			assert.Equal(t, "bad-\uFFFD-op", op)
		case http.StatusBadRequest:
			assert.Contains(t, strings.ToLower(msg), "utf")
		default:
			t.Fatalf("unexpected answer %d: %s", code, msg)
		}
		stillServes(t, c, "after-utf8")
	})

	t.Run("100k distinct values on one metric stay bounded", func(t *testing.T) {
		const total, perRequest = 100_000, 5_000
		for sent := 0; sent < total; sent += perRequest {
			ops := make([]string, perRequest)
			for i := range ops {
				ops[i] = fmt.Sprintf("flood-%06d", sent+i)
			}
			code, msg := postMetrics(t, c, panicsBatch("flood", ops...), nil)
			require.Equal(t, http.StatusOK, code, msg)
		}
		limit := semconv.SeamOperationCardinalityLimit
		fams := eventually(t, c.Prometheus, "the overflow series", func(f prometheustest.Families) bool {
			return len(prometheustest.Series(f[promBoundaryPanics], map[string]string{"service_name": "flood", "seam_operation": semconv.SeamOperationOverflowValue})) == 1
		})
		flood := prometheustest.Series(fams[promBoundaryPanics], map[string]string{"service_name": "flood"})
		assert.LessOrEqual(t, len(flood), limit+1, "at most the limit plus the overflow series")
		tel := eventually(t, c.Telemetry, "the overflow findings", func(f prometheustest.Families) bool {
			return prometheustest.CounterSum(f[promFindings], map[string]string{"seam_finding_rule": "cardinality_overflow", "service_name": "flood"}) > 0
		})
		assert.GreaterOrEqual(t, prometheustest.CounterSum(tel[promFindings], map[string]string{"seam_finding_rule": "cardinality_overflow", "service_name": "flood"}),
			float64(total-limit-10), "every folded value is counted")
		stillServes(t, c, "after-flood")
	})
}

func pcommonTime(t time.Time) pcommon.Timestamp { return pcommon.NewTimestampFromTime(t) }
