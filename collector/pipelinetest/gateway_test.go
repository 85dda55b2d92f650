package pipelinetest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/seamtel/seam/internal/certs"
	"github.com/seamtel/seam/internal/stack"
	"github.com/seamtel/seam/sdk-go/seamtest/process"
)

// gateway is the shipped collector/config/gateway.yaml running as a
// process, with certificates issued by `seam certs`' code, a token, and a
// queue directory that outlives a restart.
type gateway struct {
	GRPC, HTTP, Health, Telemetry string
	ExportHealth                  string
	Certs, Queue, Dir, Token      string
	env                           []string
	proc                          *process.Process
	launches                      int
}

// startGateway runs gateway.yaml against upstream (plaintext OTLP/gRPC);
// env adds to or overrides its environment.
func startGateway(t *testing.T, upstream string, env ...string) *gateway {
	t.Helper()
	addrs, err := stack.FreeAddrs(8)
	require.NoError(t, err)
	g := &gateway{GRPC: addrs[0], HTTP: addrs[1], Health: addrs[2], Telemetry: addrs[3],
		ExportHealth: addrs[7], Dir: t.TempDir(), Token: "s3cret-" + t.Name()}
	g.Certs, g.Queue = filepath.Join(g.Dir, "tls"), filepath.Join(g.Dir, "queue")
	require.NoError(t, os.Mkdir(g.Certs, 0o700))
	require.NoError(t, os.Mkdir(g.Queue, 0o700))
	require.NoError(t, certs.Write(g.Certs, certs.Options{Hosts: []string{"127.0.0.1", "localhost"}}))
	g.env = append([]string{
		"SEAM_OTLP_GRPC=" + g.GRPC, "SEAM_OTLP_HTTP=" + g.HTTP, "SEAM_HEALTH=" + g.Health,
		"SEAM_PROMETHEUS=" + addrs[4], "SEAM_PPROF=" + addrs[5], "SEAM_ZPAGES=" + addrs[6],
		"SEAM_EXPORT_HEALTH=" + g.ExportHealth, "SEAM_EXPORT_HEALTH_INTERVAL=200ms", "SEAM_TELEMETRY_PORT=" + g.Telemetry[strings.LastIndex(g.Telemetry, ":")+1:],
		"SEAM_TLS_CERT=" + filepath.Join(g.Certs, certs.ServerFile), "SEAM_TLS_KEY=" + filepath.Join(g.Certs, certs.ServerKeyFile),
		"SEAM_BEARER_TOKEN=" + g.Token, "SEAM_QUEUE_DIR=" + g.Queue,
		"UPSTREAM_OTLP_ENDPOINT=" + upstream, "UPSTREAM_OTLP_INSECURE=true",
		// Retries start fast, so delivery after an outage is quick to see.
		"SEAM_RETRY_INITIAL=100ms", "SEAM_RETRY_MAX=1s",
	}, env...)
	t.Cleanup(func() {
		if g.proc != nil {
			_ = g.proc.Stop(10 * time.Second)
		}
		if t.Failed() {
			t.Logf("gateway log:\n%s", g.log())
		}
	})
	g.launch(t)
	return g
}

// launch starts (or restarts) the process and waits for it to be healthy.
func (g *gateway) launch(t *testing.T) {
	t.Helper()
	root, err := repoRoot()
	require.NoError(t, err)
	g.launches++
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	proc, err := process.Launch(ctx, process.Spec{
		Name: "gateway", Path: collectorBin, Env: g.env,
		Args:    []string{"--config", filepath.Join(root, "collector", "config", "gateway.yaml")},
		LogPath: filepath.Join(g.Dir, fmt.Sprintf("gateway-%d.log", g.launches)),
	})
	require.NoError(t, err)
	g.proc = proc
	r := &running{Health: g.Health, Dir: g.Dir, proc: proc}
	deadline := time.Now().Add(30 * time.Second)
	for !r.healthy() {
		require.False(t, proc.Exited(), "gateway exited:\n%s", g.log())
		require.True(t, time.Now().Before(deadline), "gateway not healthy:\n%s", g.log())
		time.Sleep(50 * time.Millisecond)
	}
}

// kill9 kills the process as a crash would: no shutdown, no flush.
func (g *gateway) kill9(t *testing.T) {
	t.Helper()
	require.NoError(t, syscall.Kill(-g.proc.Pid(), syscall.SIGKILL))
	for !g.proc.Exited() {
		time.Sleep(10 * time.Millisecond)
	}
	g.proc = nil
}

func (g *gateway) log() string {
	logs, _ := filepath.Glob(filepath.Join(g.Dir, "gateway-*.log"))
	var b strings.Builder
	for _, l := range logs {
		data, _ := os.ReadFile(l)
		fmt.Fprintf(&b, "== %s\n%s", filepath.Base(l), data)
	}
	return b.String()
}

// tlsConfig trusts the gateway's CA, presenting the client certificate
// when withCert.
func (g *gateway) tlsConfig(t *testing.T, withCert bool) *tls.Config {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(g.Certs, certs.CAFile))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(ca))
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if withCert {
		cert, err := tls.LoadX509KeyPair(filepath.Join(g.Certs, certs.ClientFile), filepath.Join(g.Certs, certs.ClientKeyFile))
		require.NoError(t, err)
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg
}

// grpcClient is an OTLP/gRPC traces client of the gateway over TLS.
func (g *gateway) grpcClient(t *testing.T, withCert bool) ptraceotlp.GRPCClient {
	t.Helper()
	conn, err := grpc.NewClient(g.GRPC, grpc.WithTransportCredentials(credentials.NewTLS(g.tlsConfig(t, withCert))))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return ptraceotlp.NewGRPCClient(conn)
}

// withToken is ctx carrying the bearer token as gRPC metadata.
func withToken(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

// upstream is a real OTLP/gRPC traces server (pdata's) that records the
// span IDs it received.
type upstream struct {
	ptraceotlp.UnimplementedGRPCServer
	Addr  string
	delay time.Duration

	mu   sync.Mutex
	seen map[uint64]bool
	srv  *grpc.Server
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	addrs, err := stack.FreeAddrs(1)
	require.NoError(t, err)
	u := &upstream{Addr: addrs[0], seen: map[uint64]bool{}}
	t.Cleanup(u.stop)
	return u
}

// start listens on Addr (again, after stop).
func (u *upstream) start(t *testing.T) { u.startWith(t, u) }

// startWith serves handler, which records into u, on Addr.
func (u *upstream) startWith(t *testing.T, handler ptraceotlp.GRPCServer) {
	t.Helper()
	ln, err := net.Listen("tcp", u.Addr)
	require.NoError(t, err)
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(64 << 20))
	ptraceotlp.RegisterGRPCServer(srv, handler)
	u.mu.Lock()
	u.srv = srv
	u.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (u *upstream) stop() {
	u.mu.Lock()
	srv := u.srv
	u.srv = nil
	u.mu.Unlock()
	if srv != nil {
		srv.Stop()
	}
}

func (u *upstream) Export(_ context.Context, req ptraceotlp.ExportRequest) (ptraceotlp.ExportResponse, error) {
	if u.delay > 0 {
		time.Sleep(u.delay)
	}
	ids := spanIDs(req.Traces())
	u.mu.Lock()
	for _, id := range ids {
		u.seen[id] = true
	}
	u.mu.Unlock()
	return ptraceotlp.NewExportResponse(), nil
}

// missing is how many of ids the upstream has not received.
func (u *upstream) missing(ids []uint64) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, id := range ids {
		if !u.seen[id] {
			n++
		}
	}
	return n
}

func (u *upstream) received() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.seen)
}

// waitDelivered waits until every one of ids has arrived.
func (u *upstream) waitDelivered(t *testing.T, ids []uint64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for u.missing(ids) > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	require.Zero(t, u.missing(ids), "acknowledged spans not delivered within %s (of %d)", within, len(ids))
}

// spanBatch is n spans whose span IDs are first, first+1, ...
func spanBatch(first uint64, n int) ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "durability")
	spans := rs.ScopeSpans().AppendEmpty().Spans()
	now := pcommon.NewTimestampFromTime(time.Now())
	for i := range n {
		s := spans.AppendEmpty()
		var id [8]byte
		binary.BigEndian.PutUint64(id[:], first+uint64(i))
		s.SetSpanID(id)
		s.SetTraceID([16]byte{1, 2, 3, byte(i)})
		s.SetName("durability.op")
		s.SetStartTimestamp(now)
		s.SetEndTimestamp(now)
	}
	return td
}

func spanIDs(td ptrace.Traces) []uint64 {
	var ids []uint64
	for i := range td.ResourceSpans().Len() {
		ss := td.ResourceSpans().At(i).ScopeSpans()
		for j := range ss.Len() {
			spans := ss.At(j).Spans()
			for k := range spans.Len() {
				id := spans.At(k).SpanID()
				ids = append(ids, binary.BigEndian.Uint64(id[:]))
			}
		}
	}
	return ids
}

// ledger counts what a client sent and what the gateway acknowledged.
type ledger struct {
	mu    sync.Mutex
	next  uint64
	sent  int
	acked []uint64
	// refused is the spans of requests the gateway answered with an error.
	refused int
}

// send exports one batch of n spans and records the answer.
func (l *ledger) send(ctx context.Context, c ptraceotlp.GRPCClient, token string, n int) error {
	l.mu.Lock()
	first := l.next
	l.next += uint64(n)
	l.sent += n
	l.mu.Unlock()
	rctx, cancel := context.WithTimeout(withToken(ctx, token), 5*time.Second)
	defer cancel()
	_, err := c.Export(rctx, ptraceotlp.NewExportRequestFromTraces(spanBatch(first, n)))
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.refused += n
		return err
	}
	for i := range n {
		l.acked = append(l.acked, first+uint64(i))
	}
	return nil
}

func (l *ledger) snapshot() (sent int, acked []uint64, refused int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent, append([]uint64(nil), l.acked...), l.refused
}
