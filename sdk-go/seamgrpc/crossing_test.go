package seamgrpc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamgrpc"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// rustLike answers Check as a service on the far side of the boundary
// does: each requested service name one outcome.
type rustLike struct {
	healthpb.UnimplementedHealthServer
}

func (rustLike) Check(ctx context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	switch req.Service {
	case "ok":
		return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
	case "panic", "unknown-type":
		value := req.Service
		if value == "unknown-type" {
			value = "gremlins"
		}
		// As seam::tower's gRPC ingress answers a panic: a trailers-only INTERNAL.
		_ = grpc.SetTrailer(ctx, metadata.Pairs(seamgrpc.ErrorTypeKey, value))
		return nil, status.Error(codes.Internal, "handler panicked")
	case "bad":
		return nil, status.Error(codes.InvalidArgument, "no such basket")
	case "slow":
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
		}
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	return nil, status.Error(codes.Unavailable, "down")
}

// serve serves rustLike on loopback until the test ends, at the address
// it returns.
func serve(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	gs := grpc.NewServer()
	healthpb.RegisterHealthServer(gs, rustLike{})
	go func() { _ = gs.Serve(ln) }()
	tb.Cleanup(gs.Stop)
	return ln.Addr().String()
}

// dial serves rustLike on loopback and returns a client through DialOptions.
func dial(t *testing.T) healthpb.HealthClient {
	t.Helper()
	conn, err := grpc.NewClient(serve(t),
		append(seamgrpc.DialOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return healthpb.NewHealthClient(conn)
}

func check(client healthpb.HealthClient, service string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := client.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		return err
	}
}

func newCrossing(t *testing.T, op string, opts seamgrpc.CrossingOptions) *seamgrpc.Crossing {
	t.Helper()
	c, err := seamgrpc.NewCrossing(op, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCrossingRecordsDurationAndFallbacks(t *testing.T) {
	_, reader := seamtest.Start(t)
	client := dial(t)
	c := newCrossing(t, "test.op", seamgrpc.CrossingOptions{Timeout: 50 * time.Millisecond})

	for _, tc := range []struct {
		service  string
		fellBack bool
	}{
		{"ok", false}, {"panic", true}, {"bad", true}, {"down", true},
		{"unknown-type", true}, {"slow", true},
	} {
		fellBack := false
		start := time.Now()
		err := c.Call(context.Background(), check(client, tc.service), func(ctx context.Context) error {
			fellBack = true
			if role := seam.RoleFrom(ctx); role != seam.RoleFallback {
				t.Errorf("%s: the fallback ran as seam.role=%s, want fallback", tc.service, role)
			}
			return nil
		})
		if err != nil || fellBack != tc.fellBack {
			t.Errorf("%s: err %v, fell back %v; want nil, %v", tc.service, err, fellBack, tc.fellBack)
		}
		if tc.service == "slow" && time.Since(start) > time.Second {
			t.Errorf("slow: the fallback served after %v, want about the 50ms budget", time.Since(start))
		}
	}

	durations, got := seamtest.BoundaryCalls(t, reader, "test.op", "grpc")
	wantDurations := map[string]uint64{"": 1, "panic": 1, "invalid_input": 1, "timeout": 1, "internal": 2}
	if fmt.Sprint(durations) != fmt.Sprint(wantDurations) {
		t.Errorf("%s by error.type = %v, want %v", semconv.SeamBoundaryCallDurationName, durations, wantDurations)
	}
	wantFallbacks := map[string]int64{"panic": 1, "invalid_input": 1, "timeout": 1, "internal": 2}
	if fmt.Sprint(got) != fmt.Sprint(wantFallbacks) {
		t.Errorf("%s = %v, want %v", semconv.SeamBoundaryFallbacksName, got, wantFallbacks)
	}
}

// A panic the server names stays a gRPC status error to the caller, and
// reads as a panic to seam.ErrorType.
func TestPanicIsAStatusErrorNamingThePanic(t *testing.T) {
	seamtest.Start(t)
	client := dial(t)
	c := newCrossing(t, "test.op", seamgrpc.CrossingOptions{})
	err := c.Call(context.Background(), check(client, "panic"), nil)
	var named *seamgrpc.StatusError
	if !errors.As(err, &named) || status.Code(err) != codes.Internal || seam.ErrorType(err) != "panic" {
		t.Errorf("err = %v (code %v, error.type %q), want INTERNAL as a panic", err, status.Code(err), seam.ErrorType(err))
	}
	// A plain INTERNAL is no panic.
	err = check(client, "down")(context.Background())
	if errors.As(err, &named) || status.Code(err) != codes.Unavailable {
		t.Errorf("err = %v, want the plain UNAVAILABLE", err)
	}
}

func TestCrossingDoesNotFallBackPastTheCallersDeadline(t *testing.T) {
	_, reader := seamtest.Start(t)
	client := dial(t)
	c := newCrossing(t, "test.op", seamgrpc.CrossingOptions{Timeout: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Call(ctx, check(client, "slow"), func(context.Context) error {
		t.Error("the fallback ran after the caller's deadline")
		return nil
	})
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("err = %v, want DEADLINE_EXCEEDED", err)
	}
	if _, got := seamtest.BoundaryCalls(t, reader, "test.op", "grpc"); len(got) != 0 {
		t.Errorf("%s = %v, want none", semconv.SeamBoundaryFallbacksName, got)
	}
}

// tonic's server answers an expired grpc-timeout with CANCELLED, and that
// answer can reach the client before the client's own deadline fires: a
// failure once the budget has run out is a timeout whatever its status
// says, unless it names an outcome of its own.
func TestAFailurePastTheBudgetIsATimeout(t *testing.T) {
	_, reader := seamtest.Start(t)
	c := newCrossing(t, "test.op", seamgrpc.CrossingOptions{Timeout: 20 * time.Millisecond})
	answer := func(err error) func(context.Context) error {
		return func(ctx context.Context) error {
			<-ctx.Done()
			return err
		}
	}
	err := c.Call(context.Background(), answer(status.Error(codes.Canceled, "Timeout expired")), nil)
	if status.Code(err) != codes.Canceled || seam.ErrorType(err) != "timeout" {
		t.Errorf("err = %v (code %v, error.type %q), want the CANCELLED status as a timeout", err, status.Code(err), seam.ErrorType(err))
	}
	fellBack := false
	if err := c.Call(context.Background(), answer(status.Error(codes.Canceled, "Timeout expired")), func(context.Context) error {
		fellBack = true
		return nil
	}); err != nil || !fellBack {
		t.Errorf("err %v, fell back %v; want the fallback's answer", err, fellBack)
	}
	if err := c.Call(context.Background(), answer(status.Error(codes.InvalidArgument, "no such basket")), nil); seam.ErrorType(err) == "timeout" {
		t.Errorf("err = %v: an INVALID_ARGUMENT past the budget is still invalid input", err)
	}
	durations, fallbacks := seamtest.BoundaryCalls(t, reader, "test.op", "grpc")
	if want := map[string]uint64{"timeout": 2, "invalid_input": 1}; fmt.Sprint(durations) != fmt.Sprint(want) {
		t.Errorf("%s by error.type = %v, want %v", semconv.SeamBoundaryCallDurationName, durations, want)
	}
	if want := map[string]int64{"timeout": 1}; fmt.Sprint(fallbacks) != fmt.Sprint(want) {
		t.Errorf("%s = %v, want %v", semconv.SeamBoundaryFallbacksName, fallbacks, want)
	}
}

func TestNewCrossingRejectsBadArguments(t *testing.T) {
	if _, err := seamgrpc.NewCrossing("", seamgrpc.CrossingOptions{}); err == nil || !strings.Contains(err.Error(), "seamgrpc: operation name is empty") {
		t.Errorf("empty operation: %v", err)
	}
	if _, err := seamgrpc.NewCrossing("op", seamgrpc.CrossingOptions{Timeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "negative Timeout -1s for op") {
		t.Errorf("negative timeout: %v", err)
	}
}

// BenchmarkCrossingCall: one unary call over loopback through a Crossing on
// a DialOptions connection, against the same call on a connection with
// otelgrpc's client handler alone (what instrumenting by hand gives), and
// on a DialOptions connection without the Crossing.
func BenchmarkCrossingCall(b *testing.B) {
	addr := serve(b)
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer mp.Shutdown(context.Background())
	ctx := context.Background()
	req := &healthpb.HealthCheckRequest{Service: "ok"}
	run := func(b *testing.B, opts []grpc.DialOption, call func(ctx context.Context, do func(context.Context) error) error) {
		conn, err := grpc.NewClient(addr, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		client := healthpb.NewHealthClient(conn)
		do := func(ctx context.Context) error {
			_, err := client.Check(ctx, req)
			return err
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := call(ctx, do); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("raw_otelgrpc", func(b *testing.B) {
		run(b, []grpc.DialOption{grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelgrpc.WithMeterProvider(mp)))},
			func(ctx context.Context, do func(context.Context) error) error { return do(ctx) })
	})
	b.Run("dial_options", func(b *testing.B) {
		run(b, seamgrpc.DialOptions(otelgrpc.WithMeterProvider(mp)),
			func(ctx context.Context, do func(context.Context) error) error { return do(ctx) })
	})
	b.Run("crossing", func(b *testing.B) {
		c, err := seamgrpc.NewCrossing("bench.op", seamgrpc.CrossingOptions{MeterProvider: mp, Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		run(b, seamgrpc.DialOptions(otelgrpc.WithMeterProvider(mp)),
			func(ctx context.Context, do func(context.Context) error) error { return c.Call(ctx, do, nil) })
	})
}
