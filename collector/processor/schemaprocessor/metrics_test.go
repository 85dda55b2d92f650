package schemaprocessor

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

func operationAttrs() map[string]any {
	return map[string]any{"seam.operation": "checkout.price", "seam.impl": "go", "seam.role": "baseline"}
}

func TestConformantMetricPassesUnchangedAndIsStamped(t *testing.T) {
	for _, mode := range []Mode{ModeEnforce, ModeReport} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, mode)
			md, ms := newMetrics(serviceResource())
			bounds := semconv.LatencyBoundaries
			addHistogram(ms, semconv.SeamOperationDurationName, "s", bounds, counts(len(bounds)), operationAttrs())
			want := pmetric.NewMetrics()
			md.CopyTo(want)

			out := h.processMetrics(md)

			assert.Zero(t, h.totalFindings(signalMetrics))
			m, ok := findMetric(t, out, semconv.SeamOperationDurationName)
			require.True(t, ok)
			wantM, _ := findMetric(t, want, semconv.SeamOperationDurationName)
			assert.Equal(t, wantM, m, "a conformant metric is not changed")
			if mode == ModeEnforce {
				assert.Equal(t, semconv.SchemaURL, out.ResourceMetrics().At(0).SchemaUrl())
				assert.Equal(t, semconv.SchemaURL, out.ResourceMetrics().At(0).ScopeMetrics().At(0).SchemaUrl())
			} else {
				assert.Empty(t, out.ResourceMetrics().At(0).SchemaUrl(), "report mode changes nothing")
			}
		})
	}
}

func TestDeprecatedAttributeRenamed(t *testing.T) {
	attrs := map[string]any{"http.method": "GET", "url.scheme": "https", "http.status_code": int64(200)}
	t.Run("enforce", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		addHistogram(ms, semconv.HTTPServerRequestDurationName, "s", semconv.LatencyBoundaries, counts(len(semconv.LatencyBoundaries)), attrs)
		out := h.processMetrics(md)
		m, _ := findMetric(t, out, semconv.HTTPServerRequestDurationName)
		got := m.Histogram().DataPoints().At(0).Attributes().AsRaw()
		assert.Equal(t, map[string]any{"http.request.method": "GET", "url.scheme": "https", "http.response.status_code": int64(200)}, got)
		assert.EqualValues(t, 2, h.findings(RuleDeprecated, signalMetrics))
		assert.Zero(t, h.findings(RuleRequiredAttributeNotPresent, signalMetrics), "the renamed attribute satisfies the requirement")
		assert.Zero(t, h.findings(RuleMissingAttribute, signalMetrics))
	})
	t.Run("report", func(t *testing.T) {
		h := newHarness(t, ModeReport)
		md, ms := newMetrics(serviceResource())
		addHistogram(ms, semconv.HTTPServerRequestDurationName, "s", semconv.LatencyBoundaries, counts(len(semconv.LatencyBoundaries)), attrs)
		out := h.processMetrics(md)
		m, _ := findMetric(t, out, semconv.HTTPServerRequestDurationName)
		assert.Equal(t, attrs, m.Histogram().DataPoints().At(0).Attributes().AsRaw())
		assert.EqualValues(t, 2, h.findings(RuleDeprecated, signalMetrics))
		assert.Zero(t, h.findings(RuleRequiredAttributeNotPresent, signalMetrics))
		assert.Zero(t, h.findings(RuleMissingAttribute, signalMetrics))
	})
}

func TestForeignSpellingOfServiceName(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(map[string]any{"service_name": "pricing", "seam.impl": "rust"})
	addGauge(ms, "some.unknown.metric", "1", 1)
	out := h.processMetrics(md)
	res := out.ResourceMetrics().At(0).Resource().Attributes().AsRaw()
	assert.Equal(t, map[string]any{"service.name": "pricing", "seam.impl": "rust"}, res)
	assert.EqualValues(t, 1, h.findingsFor(RuleForeignSpelling, signalMetrics, "pricing"), "the finding names the service")
	assert.EqualValues(t, 1, h.findingsFor(RuleMissingMetric, signalMetrics, "pricing"))
}

func TestUnitConvertedWithBounds(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	msBounds := make([]float64, len(semconv.LatencyBoundaries))
	for i, b := range semconv.LatencyBoundaries {
		msBounds[i] = b * 1000
	}
	dp := addHistogram(ms, semconv.SeamOperationDurationName, "ms", msBounds, counts(len(msBounds)), operationAttrs())
	dp.SetSum(1500)
	ex := dp.Exemplars().AppendEmpty()
	ex.SetDoubleValue(250)

	out := h.processMetrics(md)
	m, ok := findMetric(t, out, semconv.SeamOperationDurationName)
	require.True(t, ok)
	assert.Equal(t, "s", m.Unit())
	got := m.Histogram().DataPoints().At(0)
	assert.True(t, sameBounds(got.ExplicitBounds().AsRaw(), semconv.LatencyBoundaries))
	assert.InDelta(t, 1.5, got.Sum(), 1e-12)
	assert.InDelta(t, 0.25, got.Exemplars().At(0).DoubleValue(), 1e-12)
	assert.EqualValues(t, 1, h.findings(RuleUnitMismatch, signalMetrics))
	assert.Zero(t, h.findings(RuleBucketMismatch, signalMetrics))
}

func TestUnconvertibleUnit(t *testing.T) {
	for _, mode := range []Mode{ModeEnforce, ModeReport} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, mode)
			md, ms := newMetrics(serviceResource())
			addSum(ms, semconv.SeamBoundaryPanicsName, "By", true, map[string]any{"seam.operation": "x", "seam.boundary.kind": "ffi"})
			out := h.processMetrics(md)
			_, kept := findMetric(t, out, semconv.SeamBoundaryPanicsName)
			assert.Equal(t, mode == ModeReport, kept, "dropped only in enforce mode")
			assert.EqualValues(t, 1, h.findings(RuleUnitMismatch, signalMetrics))
		})
	}
}

func TestInstrumentMismatch(t *testing.T) {
	t.Run("gauge for a counter is dropped", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		addGauge(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, 3)
		addGauge(ms, "kept.unknown", "1", 1)
		out := h.processMetrics(md)
		_, kept := findMetric(t, out, semconv.SeamBoundaryPanicsName)
		assert.False(t, kept)
		assert.EqualValues(t, 1, h.findings(RuleTypeMismatch, signalMetrics))
	})
	t.Run("gauge for an updowncounter is converted", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		addGauge(ms, semconv.GoGoroutineCountName, semconv.GoGoroutineCountUnit, 42)
		out := h.processMetrics(md)
		m, ok := findMetric(t, out, semconv.GoGoroutineCountName)
		require.True(t, ok)
		require.Equal(t, pmetric.MetricTypeSum, m.Type())
		assert.False(t, m.Sum().IsMonotonic())
		assert.EqualValues(t, 42, m.Sum().DataPoints().At(0).IntValue())
		assert.EqualValues(t, 1, h.findings(RuleTypeMismatch, signalMetrics))
	})
}

func TestBucketMismatch(t *testing.T) {
	latency := semconv.LatencyBoundaries
	t.Run("a refinement is merged onto the schema's bounds", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		// Insert an extra bound between each pair: every schema bound is kept.
		var fine []float64
		for i, b := range latency {
			if i > 0 {
				fine = append(fine, (latency[i-1]+b)/2)
			}
			fine = append(fine, b)
		}
		dp := addHistogram(ms, semconv.SeamOperationDurationName, "s", fine, counts(len(fine)), operationAttrs())
		total := dp.Count()
		out := h.processMetrics(md)
		m, ok := findMetric(t, out, semconv.SeamOperationDurationName)
		require.True(t, ok)
		got := m.Histogram().DataPoints().At(0)
		assert.Equal(t, latency, got.ExplicitBounds().AsRaw())
		var sum uint64
		for _, c := range got.BucketCounts().AsRaw() {
			sum += c
		}
		assert.Equal(t, total, sum, "no count is lost")
		assert.EqualValues(t, 1, got.BucketCounts().At(0), "(-inf, 0] holds only its own bucket")
		assert.EqualValues(t, 2, got.BucketCounts().At(1), "(0, 1e-06] holds two fine buckets")
		assert.EqualValues(t, 1, h.findings(RuleBucketMismatch, signalMetrics))
	})
	t.Run("incompatible bounds are dropped", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		addHistogram(ms, semconv.SeamOperationDurationName, "s", []float64{0.1, 1, 10}, counts(3), operationAttrs())
		out := h.processMetrics(md)
		_, kept := findMetric(t, out, semconv.SeamOperationDurationName)
		assert.False(t, kept)
		assert.EqualValues(t, 1, h.findings(RuleBucketMismatch, signalMetrics))
	})
}

func TestRequiredAttributeMissingIsReportedAndKept(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	addHistogram(ms, semconv.SeamOperationDurationName, "s", semconv.LatencyBoundaries, counts(len(semconv.LatencyBoundaries)),
		map[string]any{"seam.operation": "checkout.price"})
	out := h.processMetrics(md)
	_, kept := findMetric(t, out, semconv.SeamOperationDurationName)
	assert.True(t, kept)
	assert.EqualValues(t, 2, h.findings(RuleRequiredAttributeNotPresent, signalMetrics), "seam.impl and seam.role")
}

func TestNonSchemaAttributeDroppedAndPointsMerged(t *testing.T) {
	points := []map[string]any{
		{"seam.operation": "a", "seam.boundary.kind": "ffi", "pod": "p-1"},
		{"seam.operation": "a", "seam.boundary.kind": "ffi", "pod": "p-2"},
	}
	t.Run("enforce", func(t *testing.T) {
		h := newHarness(t, ModeEnforce)
		md, ms := newMetrics(serviceResource())
		addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, points...)
		out := h.processMetrics(md)
		m, _ := findMetric(t, out, semconv.SeamBoundaryPanicsName)
		dps := m.Sum().DataPoints()
		require.Equal(t, 1, dps.Len(), "the two series became one")
		assert.EqualValues(t, 3, dps.At(0).IntValue(), "1 + 2")
		assert.Equal(t, map[string]any{"seam.operation": "a", "seam.boundary.kind": "ffi"}, dps.At(0).Attributes().AsRaw())
		assert.EqualValues(t, 2, h.findings(RuleMissingAttribute, signalMetrics))
	})
	t.Run("report", func(t *testing.T) {
		h := newHarness(t, ModeReport)
		md, ms := newMetrics(serviceResource())
		addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, points...)
		out := h.processMetrics(md)
		m, _ := findMetric(t, out, semconv.SeamBoundaryPanicsName)
		assert.Equal(t, 2, m.Sum().DataPoints().Len())
		assert.EqualValues(t, 2, h.findings(RuleMissingAttribute, signalMetrics))
	})
}

func TestEnumValues(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true,
		map[string]any{"seam.operation": "a", "seam.boundary.kind": "FFI"},
		map[string]any{"seam.operation": "b", "seam.boundary.kind": "carrier-pigeon"},
	)
	out := h.processMetrics(md)
	m, _ := findMetric(t, out, semconv.SeamBoundaryPanicsName)
	kind := func(i int) string {
		v, _ := m.Sum().DataPoints().At(i).Attributes().Get("seam.boundary.kind")
		return v.Str()
	}
	assert.Equal(t, "ffi", kind(0), "an enum member in another case is repaired")
	assert.Equal(t, "carrier-pigeon", kind(1), "an unknown member is kept and reported")
	assert.EqualValues(t, 1, h.findings(RuleForeignSpelling, signalMetrics))
	assert.EqualValues(t, 1, h.findings(RuleUndefinedEnumVariant, signalMetrics))
}

func TestAttributeTypeRepaired(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	addHistogram(ms, semconv.HTTPServerRequestDurationName, "s", semconv.LatencyBoundaries, counts(len(semconv.LatencyBoundaries)),
		map[string]any{"http.request.method": "GET", "url.scheme": "https", "http.response.status_code": "503"})
	out := h.processMetrics(md)
	m, _ := findMetric(t, out, semconv.HTTPServerRequestDurationName)
	v, _ := m.Histogram().DataPoints().At(0).Attributes().Get("http.response.status_code")
	assert.EqualValues(t, 503, v.Int())
	assert.EqualValues(t, 1, h.findings(RuleTypeMismatch, signalMetrics))
}

func TestAttributeCardinalityOverflow(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	var points []map[string]any
	limit := semconv.SeamOperationCardinalityLimit
	for i := 0; i < limit+5; i++ {
		points = append(points, map[string]any{"seam.operation": fmt.Sprintf("op-%d", i), "seam.boundary.kind": "ffi"})
	}
	addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, points...)
	out := h.processMetrics(md)
	m, _ := findMetric(t, out, semconv.SeamBoundaryPanicsName)
	dps := m.Sum().DataPoints()
	require.Equal(t, limit+1, dps.Len(), "the values past the limit fold into one series")
	last := dps.At(dps.Len() - 1)
	op, _ := last.Attributes().Get("seam.operation")
	assert.Equal(t, semconv.SeamOperationOverflowValue, op.Str())
	var want int64
	for i := limit; i < limit+5; i++ {
		want += int64(i + 1)
	}
	assert.Equal(t, want, last.IntValue(), "the folded values add up")
	assert.EqualValues(t, 5, h.findings(RuleCardinalityOverflow, signalMetrics))
}

func TestSeriesLimitOverflow(t *testing.T) {
	for _, mode := range []Mode{ModeEnforce, ModeReport} {
		t.Run(string(mode), func(t *testing.T) {
			h := newHarness(t, mode)
			md, ms := newMetrics(serviceResource())
			spec := descriptor(t, semconv.HTTPServerRequestDurationName)
			require.Positive(t, spec.SeriesLimit)
			addPoint := addDeltaHistogram(ms, spec)
			add := func(route int) {
				addPoint(map[string]any{"http.request.method": "GET", "url.scheme": "https", "http.route": fmt.Sprintf("/r/%d", route)})
			}
			for i := 0; i < spec.SeriesLimit; i++ {
				add(i)
			}
			// Series met again, their values remembered by the scan cache
			// (the previous point's, or the route's recent set): the same
			// series, not new ones past the limit.
			again := 0
			for i := spec.SeriesLimit - 1; i >= spec.SeriesLimit-20; i-- {
				add(i)
				add(i)
				again += 2
			}
			extra := 3
			for i := 0; i < extra; i++ {
				add(spec.SeriesLimit + i)
			}
			out := h.processMetrics(md)
			got, _ := findMetric(t, out, spec.Name)
			dps := got.Histogram().DataPoints()
			assert.EqualValues(t, extra, h.findings(RuleSeriesOverflow, signalMetrics))
			if mode == ModeReport {
				assert.Equal(t, spec.SeriesLimit+again+extra, dps.Len())
				return
			}
			require.Equal(t, spec.SeriesLimit+1, dps.Len())
			overflow := dps.At(dps.Len() - 1)
			assert.Equal(t, map[string]any{OverflowKey: true}, overflow.Attributes().AsRaw())
			assert.EqualValues(t, extra*(len(spec.Boundaries)+1), overflow.Count(), "the overflow series holds every extra point")
		})
	}
}

func TestUnknownMetricPassesWithFinding(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	md, ms := newMetrics(serviceResource())
	addSum(ms, "queue.depth", "{item}", false, map[string]any{"db.password": "hunter2"})
	out := h.processMetrics(md)
	m, ok := findMetric(t, out, "queue.depth")
	require.True(t, ok)
	v, _ := m.Sum().DataPoints().At(0).Attributes().Get("db.password")
	assert.Equal(t, semconv.RedactionReplacement, v.Str(), "unknown metrics are still redacted")
	assert.EqualValues(t, 1, h.findings(RuleMissingMetric, signalMetrics))
	assert.EqualValues(t, 1, h.findings(RuleRedacted, signalMetrics))
}

func TestReportModeChangesNothing(t *testing.T) {
	h := newHarness(t, ModeReport)
	md, ms := newMetrics(map[string]any{"service_name": "legacy", "deployment.environment": "prod"})
	addHistogram(ms, semconv.SeamOperationDurationName, "ms", []float64{1, 2}, counts(2), map[string]any{"seam.operation": "x", "user.email": "a@b.c", "pod": "p"})
	addGauge(ms, semconv.SeamBoundaryPanicsName, "1", 1)
	want := pmetric.NewMetrics()
	md.CopyTo(want)
	out := h.processMetrics(md)
	assert.Equal(t, want, out)
	assert.Positive(t, h.findings(RuleRedacted, signalMetrics))
	assert.Positive(t, h.findings(RuleDeprecated, signalMetrics))
	assert.Positive(t, h.findings(RuleForeignSpelling, signalMetrics))
	assert.Positive(t, h.findings(RuleTypeMismatch, signalMetrics))
}

func descriptor(t *testing.T, name string) semconv.MetricDescriptor {
	t.Helper()
	for _, d := range semconv.Metrics {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no metric %q in semconv", name)
	return semconv.MetricDescriptor{}
}

// Each service has its own budget: one flooding service does not fold
// another's values.
func TestCardinalityBudgetIsPerService(t *testing.T) {
	h := newHarness(t, ModeEnforce)
	limit := semconv.SeamOperationCardinalityLimit
	send := func(service string, n int) pmetric.NumberDataPointSlice {
		md, ms := newMetrics(map[string]any{"service.name": service})
		var points []map[string]any
		for i := 0; i < n; i++ {
			points = append(points, map[string]any{"seam.operation": fmt.Sprintf("op-%d", i), "seam.boundary.kind": "ffi"})
		}
		addSum(ms, semconv.SeamBoundaryPanicsName, semconv.SeamBoundaryPanicsUnit, true, points...)
		m, _ := findMetric(t, h.processMetrics(md), semconv.SeamBoundaryPanicsName)
		return m.Sum().DataPoints()
	}
	assert.Equal(t, limit+1, send("noisy", limit*3).Len())
	assert.Equal(t, 10, send("quiet", 10).Len(), "the quiet service keeps its own names")
	assert.EqualValues(t, 0, h.findingsFor(RuleCardinalityOverflow, signalMetrics, "quiet"))
}
