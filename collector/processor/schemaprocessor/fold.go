package schemaprocessor

import (
	"math"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// Cumulative points whose attributes were dropped or folded are one output
// series fed by several input streams. Each input's last cumulative value
// is kept, and the output carries their running total, so it stays
// monotonic across batches instead of jumping between the inputs' values.

// maxFoldedInputs bounds the input streams remembered per metric and
// resource. Inputs unseen for the series TTL are forgotten first (their
// contribution stays in the total). Past the bound, a new input is still
// folded into its output series, and remembered among at most
// maxExtraInputs more, of which the least recently seen are forgotten to
// make room: no point is dropped, and the inputs within the bound stay
// exact however many more come.
const (
	maxFoldedInputs = 10000
	maxExtraInputs  = 10000
)

// foldedInput is the last cumulative state of one input stream.
type foldedInput struct {
	seen    int64
	value   float64
	count   uint64
	sum     float64
	buckets []uint64
	// extra is set for an input remembered past maxFoldedInputs.
	extra bool
	// baseline is set for a new input that may be a forgotten one coming
	// back, whose contribution is in the total already: its first reading
	// only says where it stands, and what it adds from there on counts.
	baseline bool
}

// foldedOutput is the running total of one output series.
type foldedOutput struct {
	value   float64
	count   uint64
	sum     float64
	buckets []uint64
	inputs  map[uint64]*foldedInput
}

// output returns the state of output series out, creating it. The caller
// holds s.mu.
func (s *metricState) output(out uint64) *foldedOutput {
	if s.folds == nil {
		s.folds = map[uint64]*foldedOutput{}
	}
	o, ok := s.folds[out]
	if !ok {
		o = &foldedOutput{inputs: map[uint64]*foldedInput{}}
		s.folds[out] = o
	}
	return o
}

// input returns the state of input stream in of output out, or nil if the
// bound is reached. start is the point's start time. The caller holds s.mu.
func (s *metricState) input(out, in uint64, now, ttl int64, start pcommon.Timestamp) *foldedInput {
	o := s.output(out)
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
	fi = s.newInput(now, start)
	o.inputs[in] = fi
	s.foldedInputs++
	return fi
}

// extraInput returns the state of input stream in of output out past
// maxFoldedInputs, making room past maxExtraInputs by forgetting the least
// recently seen extra inputs. The caller holds s.mu.
func (s *metricState) extraInput(out, in uint64, now, ttl int64, start pcommon.Timestamp) *foldedInput {
	o := s.output(out)
	if s.extraInputs >= maxExtraInputs {
		s.forgetFoldedInputs(now, ttl)
		if s.extraInputs >= maxExtraInputs {
			s.evictExtraInputs()
		}
	}
	fi := s.newInput(now, start)
	fi.extra = true
	o.inputs[in] = fi
	s.extraInputs++
	return fi
}

// newInput starts the state of an input seen for the first time. If inputs
// seen before now were forgotten, it may be one of them coming back, and
// counting its value again would count it twice: unless it started after
// the last sighting of every such input, its first reading is a baseline.
// (An input forgotten in this very batch was seen in it: a new point now is
// another input.)
func (s *metricState) newInput(now int64, start pcommon.Timestamp) *foldedInput {
	fi := &foldedInput{seen: now}
	forgotten := s.forgottenSeen[0]
	if forgotten >= now {
		forgotten = s.forgottenSeen[1]
	}
	if forgotten != 0 && (start == 0 || int64(start) <= forgotten) {
		fi.baseline = true
	}
	return fi
}

// forgetFoldedInputs forgets inputs unseen for ttl, at most once a second:
// it scans them all.
func (s *metricState) forgetFoldedInputs(now, ttl int64) {
	if s.lastFoldSweep != 0 && now-s.lastFoldSweep < int64(time.Second) {
		return
	}
	s.lastFoldSweep = now
	for _, o := range s.folds {
		for k, fi := range o.inputs {
			if now-fi.seen > ttl {
				s.forget(o, k, fi)
			}
		}
	}
}

// forget removes one input; its contribution stays in its output's total.
func (s *metricState) forget(o *foldedOutput, k uint64, fi *foldedInput) {
	delete(o.inputs, k)
	if fi.extra {
		s.extraInputs--
	} else {
		s.foldedInputs--
	}
	switch f := &s.forgottenSeen; {
	case fi.seen > f[0]:
		f[0], f[1] = fi.seen, f[0]
	case fi.seen < f[0] && fi.seen > f[1]:
		f[1] = fi.seen
	}
}

// evictExtraInputs forgets the least recently seen eighth of the extra
// inputs (at least one), so that making room is not a scan per new input.
func (s *metricState) evictExtraInputs() {
	seen := make([]int64, 0, s.extraInputs)
	for _, o := range s.folds {
		for _, fi := range o.inputs {
			if fi.extra {
				seen = append(seen, fi.seen)
			}
		}
	}
	if len(seen) == 0 {
		return
	}
	slices.Sort(seen)
	limit := seen[len(seen)/8]
	evict := max(len(seen)/8, 1)
	for _, o := range s.folds {
		for k, fi := range o.inputs {
			if evict > 0 && fi.extra && fi.seen <= limit {
				s.forget(o, k, fi)
				evict--
			}
		}
	}
}

// foldable is a cumulative data point.
type foldable interface {
	Attributes() pcommon.Map
	StartTimestamp() pcommon.Timestamp
}

// foldPoints replaces each point's values with its output series' running
// totals. Points are identified by index in folded (changed points, with
// their input hash); unchanged points are their own input. A point whose
// input finds no room within maxFoldedInputs is folded all the same, its
// input remembered as an extra one, and every point of an extra input is a
// series_overflow finding. add folds one point's new values into its
// output and its input's last reading.
func foldPoints[P foldable, S pointSlice[P]](p *schemaProcessor, dps S, folded map[int]uint64,
	state *metricState, mc metricContext, sub subject, add func(dp P, fi *foldedInput, o *foldedOutput)) {
	ttl := int64(p.cardinality.ttl)
	for i := 0; i < dps.Len(); i++ {
		dp := dps.At(i)
		out := hashAttributes(dp.Attributes())
		in, changed := folded[i]
		if !changed {
			in = out
		}
		fi := state.input(out, in, mc.now, ttl, dp.StartTimestamp())
		if fi == nil {
			fi = state.extraInput(out, in, mc.now, ttl, dp.StartTimestamp())
		}
		if fi.extra {
			sub.add(RuleSeriesOverflow, "more than ", maxFoldedInputsText, " input series folded into one: remembered past the bound")
		}
		add(dp, fi, state.folds[out])
	}
}

var maxFoldedInputsText = strconv.Itoa(maxFoldedInputs)

// foldNumberPoints folds sums and gauges.
func (p *schemaProcessor) foldNumberPoints(dps pmetric.NumberDataPointSlice, folded map[int]uint64, monotonic bool, state *metricState, mc metricContext, sub subject) {
	foldPoints(p, dps, folded, state, mc, sub, func(dp pmetric.NumberDataPoint, fi *foldedInput, o *foldedOutput) {
		v := numberValue(dp)
		if fi.baseline {
			fi.value, fi.baseline = v, false
		}
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
	foldPoints(p, dps, folded, state, mc, sub, func(dp pmetric.HistogramDataPoint, fi *foldedInput, o *foldedOutput) {
		counts := dp.BucketCounts()
		if len(o.buckets) != counts.Len() {
			o.buckets = make([]uint64, counts.Len())
		}
		if len(fi.buckets) != counts.Len() {
			fi.buckets = make([]uint64, counts.Len())
		}
		if fi.baseline {
			fi.count, fi.sum, fi.baseline = dp.Count(), dp.Sum(), false
			for b := 0; b < counts.Len(); b++ {
				fi.buckets[b] = counts.At(b)
			}
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
