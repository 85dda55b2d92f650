package schemaprocessor

import (
	"hash/maphash"
	"math"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// OverflowKey is the attribute a series carries once its metric is over its
// series limit, as the OTel SDKs do.
const OverflowKey = "otel.metric.overflow"

// defaultOverflowValue replaces values past an attribute's cardinality
// limit when the schema names no overflow value for it.
const defaultOverflowValue = "_other"

// metricState is the cardinality state of one metric: the values seen per
// limited attribute and the series seen, each bounded by the schema.
type metricState struct {
	mu     sync.Mutex
	values map[string]map[string]struct{}
	series map[uint64]int64 // series hash -> last seen, unix nanos
	// lastSweep is when expired series were last removed.
	lastSweep int64
	// folds holds, per output series of folded cumulative points, the
	// input streams' last values (fold.go).
	folds        map[uint64]*foldedOutput
	foldedInputs int
	// extraInputs are the inputs remembered past maxFoldedInputs (fold.go).
	// forgottenSeen holds the two latest distinct last sightings of inputs
	// forgotten so far (unix nanos, 0 while none was), and lastFoldSweep
	// when forgotten inputs were last looked for.
	extraInputs   int
	forgottenSeen [2]int64
	lastFoldSweep int64
}

// maxTrackedStreams bounds the (metric, resource) pairs with state of their
// own; resources past it share one state per metric, so a flood of
// resources cannot grow memory without bound either.
const maxTrackedStreams = 20000

// streamKey is one metric as emitted by one resource. Limits apply per
// stream, as an SDK applies them per process, so one noisy service cannot
// use up another's budget.
type streamKey struct {
	metric   string
	resource uint64
}

// cardinality tracks metricState per stream.
type cardinality struct {
	ttl   time.Duration
	mu    sync.Mutex
	state map[streamKey]*metricState
}

func newCardinality(ttl time.Duration) *cardinality {
	return &cardinality{ttl: ttl, state: map[streamKey]*metricState{}}
}

// stream returns the state of a metric for one resource, creating it on
// first use.
func (c *cardinality) stream(metric string, resource uint64) *metricState {
	key := streamKey{metric: metric, resource: resource}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.state[key]
	if ok {
		return s
	}
	if len(c.state) >= maxTrackedStreams {
		key.resource = 0
		if s, ok := c.state[key]; ok {
			return s
		}
	}
	s = &metricState{values: map[string]map[string]struct{}{}, series: map[uint64]int64{}}
	c.state[key] = s
	return s
}

// admitValue reports whether value may stay as it is: it was seen before,
// or there is room under limit. The caller holds s.mu.
func (s *metricState) admitValue(attr string, limit int, value string) bool {
	seen, ok := s.values[attr]
	if !ok {
		seen = map[string]struct{}{}
		s.values[attr] = seen
	}
	if _, ok := seen[value]; ok {
		return true
	}
	if len(seen) >= limit {
		return false
	}
	seen[value] = struct{}{}
	return true
}

// admitSeries reports whether the series may stay as it is. Series unseen
// for ttl stop counting against limit. The caller holds s.mu.
func (s *metricState) admitSeries(h uint64, limit int, now int64, ttl time.Duration) bool {
	if _, ok := s.series[h]; ok {
		s.series[h] = now
		return true
	}
	if len(s.series) >= limit && now-s.lastSweep >= int64(time.Second) {
		s.lastSweep = now
		for k, seen := range s.series {
			if now-seen > int64(ttl) {
				delete(s.series, k)
			}
		}
	}
	if len(s.series) >= limit {
		return false
	}
	s.series[h] = now
	return true
}

// hashSeed is fixed per process: hashes are only compared within it.
var hashSeed = maphash.MakeSeed()

// hashAttributes hashes an attribute set independently of its key order.
func hashAttributes(m pcommon.Map) uint64 {
	var sum uint64
	for k, v := range m.All() {
		sum += mix(maphash.String(hashSeed, k), hashValue(v))
	}
	return sum
}

func hashValue(v pcommon.Value) uint64 {
	switch v.Type() {
	case pcommon.ValueTypeStr:
		return maphash.String(hashSeed, v.Str())
	case pcommon.ValueTypeInt:
		return mix(1, uint64(v.Int()))
	case pcommon.ValueTypeDouble:
		return mix(2, math.Float64bits(v.Double()))
	case pcommon.ValueTypeBool:
		if v.Bool() {
			return mix(3, 1)
		}
		return mix(3, 0)
	default:
		return maphash.String(hashSeed, v.AsString())
	}
}

// mix combines two hashes so that (a, b) and (b, a) differ (splitmix64
// finalizer over a rotated combination).
func mix(a, b uint64) uint64 {
	x := a ^ (b<<31 | b>>33) ^ 0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
