package schemaprocessor

import (
	"math"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Cumulative points whose attributes were dropped or folded are one output
// series fed by several input streams. Each input's last cumulative value
// is kept, and the output carries their running total, so it stays
// monotonic across batches instead of jumping between the inputs' values.

// maxFoldedInputs bounds the input streams remembered per metric and
// resource. Inputs unseen for the series TTL are forgotten first (their
// contribution stays in the total); past the bound, new inputs are dropped.
const maxFoldedInputs = 10000

// foldedInput is the last cumulative state of one input stream.
type foldedInput struct {
	seen    int64
	value   float64
	count   uint64
	sum     float64
	buckets []uint64
}

// foldedOutput is the running total of one output series.
type foldedOutput struct {
	value   float64
	count   uint64
	sum     float64
	buckets []uint64
	inputs  map[uint64]*foldedInput
}

// input returns the state of input stream in of output out, or nil if the
// bound is reached. The caller holds s.mu.
func (s *metricState) input(out, in uint64, now, ttl int64) *foldedInput {
	if s.folds == nil {
		s.folds = map[uint64]*foldedOutput{}
	}
	o, ok := s.folds[out]
	if !ok {
		o = &foldedOutput{inputs: map[uint64]*foldedInput{}}
		s.folds[out] = o
	}
	fi, ok := o.inputs[in]
	if ok {
		fi.seen = now
		return fi
	}
	if s.foldedInputs >= maxFoldedInputs {
		s.forgetFoldedInputs(now, ttl)
		if s.foldedInputs >= maxFoldedInputs {
			return nil
		}
	}
	fi = &foldedInput{seen: now}
	o.inputs[in] = fi
	s.foldedInputs++
	return fi
}

func (s *metricState) forgetFoldedInputs(now, ttl int64) {
	for _, o := range s.folds {
		for k, fi := range o.inputs {
			if now-fi.seen > ttl {
				delete(o.inputs, k)
				s.foldedInputs--
			}
		}
	}
}

// foldPoints replaces each point's values with its output series' running
// totals. Points are identified by index in folded (changed points, with
// their input hash); unchanged points are their own input. add folds one
// point's new values into its output and its input's last reading.
func foldPoints[P interface{ Attributes() pcommon.Map }](p *schemaProcessor, removeIf func(func(P) bool), folded map[int]uint64,
	state *metricState, mc metricContext, sub subject, add func(dp P, fi *foldedInput, o *foldedOutput)) {
	ttl := int64(p.cardinality.ttl)
	var full bool
	i := 0
	removeIf(func(dp P) bool {
		out := hashAttributes(dp.Attributes())
		in, changed := folded[i]
		i++
		if !changed {
			in = out
		}
		fi := state.input(out, in, mc.now, ttl)
		if fi == nil {
			full = true
			return true
		}
		add(dp, fi, state.folds[out])
		return false
	})
	if full {
		sub.add(RuleSeriesOverflow, "too many input series folded into one: points dropped")
	}
}

// foldNumberPoints folds sums and gauges.
func (p *schemaProcessor) foldNumberPoints(dps pmetric.NumberDataPointSlice, folded map[int]uint64, monotonic bool, state *metricState, mc metricContext, sub subject) {
	foldPoints(p, dps.RemoveIf, folded, state, mc, sub, func(dp pmetric.NumberDataPoint, fi *foldedInput, o *foldedOutput) {
		v := numberValue(dp)
		if monotonic && v < fi.value {
			// The input restarted: its new value is all new.
			o.value += v
		} else {
			o.value += v - fi.value
		}
		fi.value = v
		if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
			dp.SetIntValue(int64(math.Round(o.value)))
		} else {
			dp.SetDoubleValue(o.value)
		}
	})
}

// foldHistogramPoints folds histograms, whose points all have the schema's
// bounds by now.
func (p *schemaProcessor) foldHistogramPoints(dps pmetric.HistogramDataPointSlice, folded map[int]uint64, state *metricState, mc metricContext, sub subject) {
	foldPoints(p, dps.RemoveIf, folded, state, mc, sub, func(dp pmetric.HistogramDataPoint, fi *foldedInput, o *foldedOutput) {
		counts := dp.BucketCounts()
		if len(o.buckets) != counts.Len() {
			o.buckets = make([]uint64, counts.Len())
		}
		if len(fi.buckets) != counts.Len() {
			fi.buckets = make([]uint64, counts.Len())
		}
		if dp.Count() < fi.count {
			// The input restarted: forget what it had contributed before.
			fi.count, fi.sum = 0, 0
			clear(fi.buckets)
		}
		o.count += dp.Count() - fi.count
		o.sum += dp.Sum() - fi.sum
		fi.count, fi.sum = dp.Count(), dp.Sum()
		for b := 0; b < counts.Len(); b++ {
			o.buckets[b] += counts.At(b) - fi.buckets[b]
			fi.buckets[b] = counts.At(b)
		}
		dp.SetCount(o.count)
		dp.SetSum(o.sum)
		dp.BucketCounts().FromRaw(o.buckets)
	})
}
