package overhead

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
)

// maxInFlight bounds concurrent requests: a slow orchestrator delays the
// load instead of piling up goroutines.
const maxInFlight = 64

// sample is what one run measured.
type sample struct {
	latencies []time.Duration
	// lags are how late each request left against its schedule: the load
	// generator's own delay, which a busy machine makes grow.
	lags   []time.Duration
	failed int
	cpu    time.Duration
}

// load sends POST /quote to url on a fixed schedule, rate a second for d:
// the i-th request is due i/rate after the start, whenever the ones
// before it were answered (open loop). Each is timed from its send to its
// last byte; load waits for the last answer.
func load(ctx context.Context, url string, rate float64, d time.Duration) (*sample, error) {
	r := rand.New(rand.NewPCG(1, 0x5ea)) // the same baskets in every run
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: maxInFlight}}
	defer client.CloseIdleConnections()
	slots := make(chan struct{}, maxInFlight)
	interval := time.Duration(float64(time.Second) / rate)
	n := int(d / interval)
	var (
		mu sync.Mutex
		s  = sample{latencies: make([]time.Duration, 0, n), lags: make([]time.Duration, 0, n)}
		wg sync.WaitGroup
	)
	defer wg.Wait()
	timer := time.NewTimer(0)
	defer timer.Stop()
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return &s, ctx.Err()
			case <-timer.C:
			}
		}
		basket := loadgen.NewBasket(r)
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return &s, ctx.Err()
		}
		lag := time.Since(due)
		wg.Go(func() {
			defer func() { <-slots }()
			sent := time.Now()
			// Not cut off by the end of the run: every request sent is answered.
			_, err := loadgen.Quote(context.Background(), client, url, basket, "")
			took := time.Since(sent)
			mu.Lock()
			defer mu.Unlock()
			s.lags = append(s.lags, lag)
			if err != nil {
				s.failed++
				return
			}
			s.latencies = append(s.latencies, took)
		})
	}
	wg.Wait()
	return &s, nil
}
