package schemaprocessor

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Points whose attributes became equal (dropped attributes, folded values,
// overflow) are one series now and are merged.

// mergeMode is how merged points combine.
type mergeMode uint8

const (
	// mergeSum adds delta points up.
	mergeSum mergeMode = iota
	// mergeLatest keeps the gauge point with the latest timestamp.
	mergeLatest
	// mergeLast keeps the last point in batch order: folded cumulative
	// points all carry their series' running total, the last one the most
	// complete.
	mergeLast
)

func mergeNumberPoints(dps pmetric.NumberDataPointSlice, mode mergeMode) {
	mergeDuplicates(dps, func(into, dp pmetric.NumberDataPoint) {
		switch mode {
		case mergeSum:
			addNumberPoint(into, dp)
		case mergeLatest:
			if dp.Timestamp() >= into.Timestamp() {
				dp.CopyTo(into)
			}
		case mergeLast:
			start := into.StartTimestamp()
			dp.CopyTo(into)
			widenStart(into, start)
		}
	})
}

// pointSlice is what every pdata data point slice offers.
type pointSlice[P interface{ Attributes() pcommon.Map }] interface {
	Len() int
	At(int) P
	RemoveIf(func(P) bool)
}

// mergeDuplicates merges every point into the first one with the same
// attributes, then removes it.
func mergeDuplicates[P interface{ Attributes() pcommon.Map }, S pointSlice[P]](dps S, merge func(into, dp P)) {
	if dps.Len() < 2 {
		return
	}
	first := make(map[uint64]int, dps.Len())
	drop := make([]bool, dps.Len())
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		h := hashAttributes(dp.Attributes())
		if j, seen := first[h]; seen {
			merge(dps.At(j), dp)
			drop[i] = true
		} else {
			first[h] = i
		}
	}
	i := 0
	dps.RemoveIf(func(P) bool {
		d := drop[i]
		i++
		return d
	})
}

func addNumberPoint(into, from pmetric.NumberDataPoint) {
	if into.ValueType() == pmetric.NumberDataPointValueTypeInt && from.ValueType() == pmetric.NumberDataPointValueTypeInt {
		into.SetIntValue(into.IntValue() + from.IntValue())
	} else {
		into.SetDoubleValue(numberValue(into) + numberValue(from))
	}
	widenTimes(into, from)
}

func numberValue(dp pmetric.NumberDataPoint) float64 {
	if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
		return float64(dp.IntValue())
	}
	return dp.DoubleValue()
}

func widenTimes[P interface {
	Timestamp() pcommon.Timestamp
	SetTimestamp(pcommon.Timestamp)
	StartTimestamp() pcommon.Timestamp
	SetStartTimestamp(pcommon.Timestamp)
}](into, from P) {
	if from.Timestamp() > into.Timestamp() {
		into.SetTimestamp(from.Timestamp())
	}
	if from.StartTimestamp() != 0 && (into.StartTimestamp() == 0 || from.StartTimestamp() < into.StartTimestamp()) {
		into.SetStartTimestamp(from.StartTimestamp())
	}
}

// widenStart keeps the earlier of two start times.
func widenStart[P interface {
	StartTimestamp() pcommon.Timestamp
	SetStartTimestamp(pcommon.Timestamp)
}](p P, start pcommon.Timestamp) {
	if start != 0 && (p.StartTimestamp() == 0 || start < p.StartTimestamp()) {
		p.SetStartTimestamp(start)
	}
}

func mergeHistogramPoints(dps pmetric.HistogramDataPointSlice, mode mergeMode) {
	mergeDuplicates(dps, func(into, dp pmetric.HistogramDataPoint) {
		if mode == mergeLast {
			start := into.StartTimestamp()
			dp.CopyTo(into)
			widenStart(into, start)
		} else {
			addHistogramPoint(into, dp)
		}
	})
}

// addHistogramPoint adds from into into; both have the schema's bounds.
func addHistogramPoint(into, from pmetric.HistogramDataPoint) {
	into.SetCount(into.Count() + from.Count())
	if from.HasSum() {
		into.SetSum(into.Sum() + from.Sum())
	}
	if from.HasMin() && (!into.HasMin() || from.Min() < into.Min()) {
		into.SetMin(from.Min())
	}
	if from.HasMax() && (!into.HasMax() || from.Max() > into.Max()) {
		into.SetMax(from.Max())
	}
	ic, fc := into.BucketCounts(), from.BucketCounts()
	for k := 0; k < ic.Len() && k < fc.Len(); k++ {
		ic.SetAt(k, ic.At(k)+fc.At(k))
	}
	from.Exemplars().MoveAndAppendTo(into.Exemplars())
	widenTimes(into, from)
}
