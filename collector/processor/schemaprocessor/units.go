package schemaprocessor

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// unitScale places a UCUM unit on a base unit: value_in_base = value * factor.
type unitScale struct {
	base   string
	factor float64
}

// unitScales are the unit conversions the processor makes exactly.
var unitScales = map[string]unitScale{
	"s":    {"s", 1},
	"ms":   {"s", 1e-3},
	"us":   {"s", 1e-6},
	"ns":   {"s", 1e-9},
	"min":  {"s", 60},
	"h":    {"s", 3600},
	"By":   {"By", 1},
	"kBy":  {"By", 1e3},
	"KBy":  {"By", 1e3},
	"MBy":  {"By", 1e6},
	"GBy":  {"By", 1e9},
	"KiBy": {"By", 1 << 10},
	"MiBy": {"By", 1 << 20},
	"GiBy": {"By", 1 << 30},
}

// unitFactor returns the factor that converts values in from to values in
// to, and whether such a conversion exists.
func unitFactor(from, to string) (float64, bool) {
	f, ok1 := unitScales[from]
	t, ok2 := unitScales[to]
	if !ok1 || !ok2 || f.base != t.base {
		return 0, false
	}
	return f.factor / t.factor, true
}

// sameBounds compares bucket boundaries with a relative tolerance, since
// converted bounds (ms to s) carry rounding.
func sameBounds(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !closeTo(got[i], want[i]) {
			return false
		}
	}
	return true
}

func closeTo(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b))
}

// rebucketMap maps each bucket of got onto a bucket of want, which is
// possible exactly when every bound of want is also a bound of got. It
// returns, for each of got's len(got)+1 buckets, the index of want's bucket.
func rebucketMap(got, want []float64) ([]int, bool) {
	// Every want bound must appear in got.
	i := 0
	for _, w := range want {
		for i < len(got) && got[i] < w && !closeTo(got[i], w) {
			i++
		}
		if i == len(got) || !closeTo(got[i], w) {
			return nil, false
		}
		i++
	}
	out := make([]int, len(got)+1)
	j := 0
	for i, g := range got {
		// got's bucket i is (got[i-1], got[i]]: it lies in want's first
		// bucket whose upper bound is at least got[i].
		for j < len(want) && want[j] < g && !closeTo(want[j], g) {
			j++
		}
		out[i] = j
	}
	out[len(got)] = len(want)
	return out, true
}

// scaleMetric multiplies every value of m by factor, bounds and exemplars
// included.
func scaleMetric(m pmetric.Metric, factor float64) {
	switch m.Type() {
	case pmetric.MetricTypeSum:
		scaleNumberPoints(m.Sum().DataPoints(), factor)
	case pmetric.MetricTypeGauge:
		scaleNumberPoints(m.Gauge().DataPoints(), factor)
	case pmetric.MetricTypeHistogram:
		dps := m.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dp := dps.At(i)
			bounds := dp.ExplicitBounds()
			for j := 0; j < bounds.Len(); j++ {
				bounds.SetAt(j, bounds.At(j)*factor)
			}
			if dp.HasSum() {
				dp.SetSum(dp.Sum() * factor)
			}
			if dp.HasMin() {
				dp.SetMin(dp.Min() * factor)
			}
			if dp.HasMax() {
				dp.SetMax(dp.Max() * factor)
			}
			scaleExemplars(dp.Exemplars(), factor)
		}
	}
}

func scaleNumberPoints(dps pmetric.NumberDataPointSlice, factor float64) {
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		if dp.ValueType() == pmetric.NumberDataPointValueTypeInt && factor >= 1 && factor == math.Trunc(factor) {
			dp.SetIntValue(dp.IntValue() * int64(factor))
		} else {
			dp.SetDoubleValue(numberValue(dp) * factor)
		}
		scaleExemplars(dp.Exemplars(), factor)
	}
}

func scaleExemplars(es pmetric.ExemplarSlice, factor float64) {
	for i := 0; i < es.Len(); i++ {
		e := es.At(i)
		if e.ValueType() == pmetric.ExemplarValueTypeInt {
			e.SetDoubleValue(float64(e.IntValue()) * factor)
		} else {
			e.SetDoubleValue(e.DoubleValue() * factor)
		}
	}
}
