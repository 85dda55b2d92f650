package pipelinetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/seamtel/seam/internal/certs"
	"github.com/seamtel/seam/internal/stack"
	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// The shipped agent reaches the shipped, authenticated gateway with the
// gateway's CA and token, and what a service sends arrives upstream.
func TestAgentForwardsToTheAuthenticatedGateway(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr)
	root, err := repoRoot()
	require.NoError(t, err)
	addrs, err := stack.FreeAddrs(3)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	agent, err := process.Launch(ctx, process.Spec{
		Name: "agent", Path: collectorBin,
		Args: []string{"--config", filepath.Join(root, "collector", "config", "agent.yaml")},
		Env: []string{"SEAM_AGENT_OTLP_GRPC=" + addrs[0], "SEAM_AGENT_OTLP_HTTP=" + addrs[1], "SEAM_AGENT_HEALTH=" + addrs[2],
			"SEAM_GATEWAYS=[" + g.GRPC + "]", "SEAM_GATEWAY_CA=" + filepath.Join(g.Certs, certs.CAFile), "SEAM_GATEWAY_TOKEN=" + g.Token},
		LogPath: filepath.Join(g.Dir, "agent.log"),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = agent.Stop(10 * time.Second) })
	a := &running{Health: addrs[2], Dir: g.Dir, proc: agent}
	deadline := time.Now().Add(30 * time.Second)
	for !a.healthy() {
		require.False(t, agent.Exited(), "agent exited")
		require.True(t, time.Now().Before(deadline), "agent not healthy")
		time.Sleep(50 * time.Millisecond)
	}

	conn, err := grpc.NewClient(addrs[0], grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	var l ledger
	for range 5 {
		require.NoError(t, l.send(ctx, ptraceotlp.NewGRPCClient(conn), "", 20))
	}
	_, acked, _ := l.snapshot()
	up.waitDelivered(t, acked, 30*time.Second)
}
