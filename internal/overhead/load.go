package overhead

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/seamtel/seam/internal/loadgen"
)

// maxInFlight bounds concurrent requests: a slow orchestrator delays the
// load instead of piling up goroutines.
const maxInFlight = 64

// sample is what a run measured.
type sample struct {
	latencies []time.Duration
	failed    int
	cpu       time.Duration
}

func (s *sample) merge(o *sample) {
	s.latencies = append(s.latencies, o.latencies...)
	s.failed += o.failed
	s.cpu += o.cpu
}

func (s *sample) result(m Mode) Result {
	r := Result{Mode: m, OK: len(s.latencies), Failed: s.failed}
	sorted := slices.Clone(s.latencies)
	slices.Sort(sorted)
	r.P50, r.P99 = quantile(sorted, 0.50), quantile(sorted, 0.99)
	if r.OK > 0 {
		r.CPUPerRequest = s.cpu / time.Duration(r.OK)
	}
	return r
}

// quantile is the q-quantile of sorted, nearest rank.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// load sends POST /quote to url at rate for d, each request timed from
// its send to its last byte, and waits for the last answer.
func load(ctx context.Context, url string, rate float64, d time.Duration) (*sample, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	r := rand.New(rand.NewPCG(1, 0x5ea)) // the same baskets in every run
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: maxInFlight}}
	defer client.CloseIdleConnections()
	slots := make(chan struct{}, maxInFlight)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	var (
		mu sync.Mutex
		s  sample
		wg sync.WaitGroup
	)
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return &s, nil
		case <-tick.C:
		}
		basket := loadgen.NewBasket(r)
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			continue
		}
		wg.Go(func() {
			defer func() { <-slots }()
			start := time.Now()
			// Not cut off by the end of the run: every request sent is answered.
			_, err := loadgen.Quote(context.Background(), client, url, basket, "")
			took := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				s.failed++
				return
			}
			s.latencies = append(s.latencies, took)
		})
	}
}
