package pipelinetest

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// soakDuration is how long the overload lasts: SEAM_SOAK_DURATION
// (`make collector-soak` sets 60s), 10 s in the suite.
func soakDuration(t *testing.T) time.Duration {
	t.Helper()
	d := 10 * time.Second
	if v := os.Getenv("SEAM_SOAK_DURATION"); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err, "SEAM_SOAK_DURATION")
	}
	return d
}

// throttled makes the upstream take at most perSecond spans a second.
type throttled struct {
	*upstream
	perSecond float64
	mu        sync.Mutex
}

func (u *throttled) Export(ctx context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	u.mu.Lock()
	time.Sleep(time.Duration(float64(req.Traces().SpanCount()) / u.perSecond * float64(time.Second)))
	u.mu.Unlock()
	return u.upstream.Export(ctx, req)
}

// overloadBound is the peak RSS the gateway may reach under twice the
// load its upstream takes (documented in RELIABILITY.md).
const overloadBound = 512 << 20

// Twice the load the upstream takes, sustained: the persistent queue
// fills to its bound, what passes it is refused and counted, memory
// stays bounded, and once the load is gone the gateway takes data again
// and delivers every acknowledged span, by itself.
func TestGatewaySustainedOverload(t *testing.T) {
	const capacity = 20_000 // spans a second the upstream takes
	const perRequest = 100
	up := &throttled{upstream: newUpstream(t), perSecond: capacity}
	srvUp := up.upstream
	ln := startThrottled(t, up)
	defer ln()
	g := startGateway(t, srvUp.Addr, "SEAM_QUEUE_ITEMS=100000")

	var l ledger
	duration := soakDuration(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// 2x: 400 requests of 100 spans a second, paced over 8 senders.
	for range 8 {
		c := g.grpcClient(t, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Second / 50)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					_ = l.send(context.Background(), c, g.Token, perRequest)
				}
			}
		}()
	}
	time.Sleep(duration)
	close(stop)
	wg.Wait()
	sent, acked, refused := l.snapshot()
	peak := peakRSS(t, g.proc.Pid())

	// It resumes by itself: a request is taken again once the queue drains.
	c := g.grpcClient(t, false)
	var resumed time.Duration
	start := time.Now()
	for l.send(context.Background(), c, g.Token, perRequest) != nil {
		require.Less(t, time.Since(start), 60*time.Second, "the gateway did not take data again within 60 s of the overload's end")
		time.Sleep(200 * time.Millisecond)
	}
	resumed = time.Since(start)
	sent, acked, refused = l.snapshot()
	srvUp.waitDelivered(t, acked, 120*time.Second)

	f := scrape(t, g.Telemetry)
	counted := prometheustest.CounterSum(f["otelcol_receiver_refused_spans"], nil)
	t.Logf("2x overload for %s (%d spans/s offered, %d taken upstream): sent %d, acknowledged %d, refused %d (counted %.0f), delivered all acknowledged, peak RSS %d MiB (bound %d MiB), took data again %s after the load ended",
		duration, 2*capacity, capacity, sent, len(acked), refused, counted, peak>>20, overloadBound>>20, resumed.Round(100*time.Millisecond))
	assert.Positive(t, refused, "2x overload refused nothing: the load was not past capacity")
	assert.Equal(t, float64(refused), counted, "every refused span is counted in otelcol_receiver_refused_spans")
	assert.Less(t, peak, int64(overloadBound), "peak RSS")
}

// startThrottled serves u on its address and returns its stop.
func startThrottled(t *testing.T, u *throttled) func() {
	t.Helper()
	u.upstream.startWith(t, u)
	return u.upstream.stop
}
