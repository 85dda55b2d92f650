package pipelinetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// A gateway that cannot export is loud: every attempt is logged, and
// what it gives up on is counted in otelcol_exporter_send_failed_spans.
// The case is the silent one: UPSTREAM_OTLP_INSECURE left false in front
// of a plaintext upstream, where 1,000 spans were acknowledged and none
// delivered, without a word.
func TestGatewayFailingExportIsLoggedAndCounted(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr, "UPSTREAM_OTLP_INSECURE=false", "SEAM_RETRY_MAX_ELAPSED=2s")
	var l ledger
	c := g.grpcClient(t, false)
	for range 10 {
		require.NoError(t, l.send(context.Background(), c, g.Token, 100))
	}
	f := eventually(t, g.Telemetry, "the failed export counted", func(f prometheustest.Families) bool {
		return prometheustest.CounterSum(f["otelcol_exporter_send_failed_spans"], nil) >= 1000
	})
	assert.Equal(t, 1000.0, prometheustest.CounterSum(f["otelcol_exporter_send_failed_spans"], map[string]string{"exporter": "otlp_grpc"}))
	assert.Zero(t, up.received(), "a TLS client cannot deliver to a plaintext upstream")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(g.log(), "Exporting failed. Dropping data.") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	log := g.log()
	assert.Contains(t, log, "Exporting failed. Will retry the request after interval.", "each failed attempt is logged")
	assert.Contains(t, log, "Exporting failed. Dropping data.", "giving up is logged")
	assert.Contains(t, log, `"dropped_items": `, "the log says how much was dropped")
}
