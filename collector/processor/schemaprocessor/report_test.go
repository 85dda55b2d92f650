package schemaprocessor

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Every rule in report mode: the batch comes out exactly as it went in, and
// the rule is counted as in enforce mode.
func TestReportModeCountsEveryRuleAndChangesNothing(t *testing.T) {
	metricCases := []struct {
		rule  string
		build func(ms pmetric.MetricSlice)
		want  int64
	}{
		{RuleUnitMismatch, func(ms pmetric.MetricSlice) {
			b := make([]float64, len(semconv.LatencyBoundaries))
			for i, v := range semconv.LatencyBoundaries {
				b[i] = v * 1000
			}
			addHistogram(ms, semconv.SeamOperationDurationName, "ms", b, counts(len(b)), operationAttrs())
		}, 1},
		{RuleBucketMismatch, func(ms pmetric.MetricSlice) {
			addHistogram(ms, semconv.SeamOperationDurationName, "s", []float64{1, 2}, counts(2), operationAttrs())
		}, 1},
		{RuleRequiredAttributeNotPresent, func(ms pmetric.MetricSlice) {
			addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, map[string]any{"seam.operation": "a"})
		}, 1},
		{RuleUndefinedEnumVariant, func(ms pmetric.MetricSlice) {
			addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, map[string]any{"seam.operation": "a", "seam.boundary.kind": "pigeon"})
		}, 1},
		{RuleMissingMetric, func(ms pmetric.MetricSlice) { addGauge(ms, "not.in.schema", "1", 1) }, 1},
		{RuleCardinalityOverflow, func(ms pmetric.MetricSlice) {
			var points []map[string]any
			for i := 0; i < semconv.SeamOperationCardinalityLimit+3; i++ {
				points = append(points, map[string]any{"seam.operation": fmt.Sprint("op-", i), "seam.boundary.kind": "ffi"})
			}
			addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, points...)
		}, 3},
	}
	for _, c := range metricCases {
		t.Run(c.rule, func(t *testing.T) {
			h := newHarness(t, ModeReport)
			md, ms := newMetrics(serviceResource())
			c.build(ms)
			want := pmetric.NewMetrics()
			md.CopyTo(want)
			assert.Equal(t, want, h.processMetrics(md))
			assert.Equal(t, c.want, h.findings(c.rule, signalMetrics))
		})
	}

	logCases := []struct {
		rule  string
		build func(rs plog.LogRecordSlice)
	}{
		{RuleMissingLogField, func(rs plog.LogRecordSlice) { record(rs, "", semconv.SeverityInfo, "no level text") }},
		{RuleInvalidSeverity, func(rs plog.LogRecordSlice) { record(rs, "NOTICE", 10, "odd level") }},
	}
	for _, c := range logCases {
		t.Run(c.rule, func(t *testing.T) {
			h := newHarness(t, ModeReport)
			ld, rs := newLogs(serviceResource())
			c.build(rs)
			want := plog.NewLogs()
			ld.CopyTo(want)
			assert.Equal(t, want, h.processLogs(ld))
			assert.EqualValues(t, 1, h.findings(c.rule, signalLogs))
		})
	}
}
