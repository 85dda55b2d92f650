package pipelinetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// load runs senders that export batches of perRequest spans to the
// gateway until stop is closed, recording every answer in l.
func load(g *gateway, l *ledger, senders, perRequest int, stop <-chan struct{}, t *testing.T) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range senders {
		c := g.grpcClient(t, false)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := l.send(context.Background(), c, g.Token, perRequest); err != nil {
					// Down or refusing: what was refused is not acknowledged.
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	return &wg
}

// kill -9 under load, then a restart on the same queue directory: every
// span the gateway acknowledged reaches the upstream. A batch processor
// in front of the queue held about 150 ms of acknowledged spans in memory
// only, and lost them.
func TestGatewayKill9LosesNoAcknowledgedSpan(t *testing.T) {
	up := newUpstream(t)
	// A slow upstream keeps a backlog in the queue when the kill comes.
	up.delay = 20 * time.Millisecond
	up.start(t)
	g := startGateway(t, up.Addr)
	var l ledger
	stop := make(chan struct{})
	wg := load(g, &l, 4, 100, stop, t)
	time.Sleep(1500 * time.Millisecond)
	_, ackedAtKill, _ := l.snapshot()
	g.kill9(t)
	time.Sleep(300 * time.Millisecond)
	g.launch(t)
	time.Sleep(1000 * time.Millisecond)
	close(stop)
	wg.Wait()

	sent, acked, refused := l.snapshot()
	require.NotEmpty(t, ackedAtKill, "no span was acknowledged before the kill")
	up.waitDelivered(t, acked, 60*time.Second)
	t.Logf("kill -9 under load: sent %d, acknowledged %d (%d before the kill), refused %d, delivered %d of the acknowledged, lost 0",
		sent, len(acked), len(ackedAtKill), refused, len(acked)-up.missing(acked))
}

// An upstream outage: what the queue holds is acknowledged and delivered
// once the upstream is back, across a kill -9 in the middle; what passes
// its bound is refused to the client and counted.
func TestGatewayOutageDeliversWithinTheQueueAndCountsWhatPassesIt(t *testing.T) {
	up := newUpstream(t)
	const bound = 20_000
	g := startGateway(t, up.Addr, "SEAM_QUEUE_ITEMS=20000")
	var l ledger
	c := g.grpcClient(t, false)
	for range 300 { // 30,000 spans against a bound of 20,000
		_ = l.send(context.Background(), c, g.Token, 100)
	}
	sent, acked, refused := l.snapshot()
	assert.Equal(t, 30_000, sent)
	assert.LessOrEqual(t, len(acked), bound, "the queue took more than its bound")
	assert.GreaterOrEqual(t, len(acked), bound-16_384, "the queue took less than its bound allows (less a batch in the batcher)")
	require.Positive(t, refused, "nothing passed the bound")
	// Every span refused at the queue is counted by the collector.
	f := eventually(t, g.Telemetry, "enqueue failures counted", func(f prometheustest.Families) bool {
		return prometheustest.CounterSum(f["otelcol_exporter_enqueue_failed_spans"], nil) > 0
	})
	assert.Equal(t, float64(refused), prometheustest.CounterSum(f["otelcol_exporter_enqueue_failed_spans"], nil), "refused spans against otelcol_exporter_enqueue_failed_spans")
	assert.Equal(t, float64(refused), prometheustest.CounterSum(f["otelcol_receiver_refused_spans"], nil), "refused spans against otelcol_receiver_refused_spans")

	// The backlog is on disk: a crash during the outage loses none of it.
	g.kill9(t)
	g.launch(t)
	up.start(t)
	up.waitDelivered(t, acked, 60*time.Second)
	t.Logf("outage with a queue bound of %d: sent %d, acknowledged %d, refused and counted %d, delivered %d after a kill -9 and the upstream's return, lost 0",
		bound, sent, len(acked), refused, len(acked)-up.missing(acked))
}
