package guardextension

import "sync/atomic"

// budget is a bound on something held in flight (bytes, requests) that
// refuses instead of waiting: a receiver that queued callers would hold
// their connections, and their memory, for as long as the overload lasts.
type budget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n, or reports false and reserves nothing when that would
// pass the limit. A limit of 0 or less is no bound.
func (b *budget) take(n int64) bool {
	if b.limit <= 0 {
		return true
	}
	for {
		used := b.used.Load()
		if used+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(used, used+n) {
			return true
		}
	}
}

// give returns what take reserved.
func (b *budget) give(n int64) {
	if b.limit > 0 {
		b.used.Add(-n)
	}
}
