package pipelinetest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/exporters/prometheusexporter/prometheustest"
)

// A gateway that cannot export is loud: every attempt is logged, what it
// gives up on is counted in otelcol_exporter_send_failed_spans, and its
// export health answers 503 naming the exporter.
// The case is the silent one: UPSTREAM_OTLP_INSECURE left false in front
// of a plaintext upstream, where 1,000 spans were acknowledged and none
// delivered, without a word.
func TestGatewayFailingExportIsLoggedAndCounted(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr, "UPSTREAM_OTLP_INSECURE=false", "SEAM_RETRY_MAX_ELAPSED=2s")
	code, body := exportHealth(t, g)
	require.Equal(t, http.StatusOK, code, "before any export: %s", body)
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

	deadline = time.Now().Add(10 * time.Second)
	for code, body = exportHealth(t, g); code != http.StatusServiceUnavailable && time.Now().Before(deadline); code, body = exportHealth(t, g) {
		time.Sleep(100 * time.Millisecond)
	}
	assert.Equal(t, http.StatusServiceUnavailable, code, body)
	assert.Contains(t, body, `"status":"failing"`)
	assert.Contains(t, body, `{"exporter":"otlp_grpc","metric":"otelcol_exporter_send_failed_spans","count":1000}`)
}

// A gateway whose exports go through answers 200 on its export health.
func TestGatewayExportHealthIsOKWhileExportsGoThrough(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr)
	var l ledger
	require.NoError(t, l.send(context.Background(), g.grpcClient(t, false), g.Token, 100))
	_, acked, _ := l.snapshot()
	up.waitDelivered(t, acked, 20*time.Second)
	time.Sleep(500 * time.Millisecond) // two polls after the delivery
	code, body := exportHealth(t, g)
	assert.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, body, `"status":"ok"`)
}

// exportHealth is seam_exporthealth's answer.
func exportHealth(t *testing.T, g *gateway) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + g.ExportHealth + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
