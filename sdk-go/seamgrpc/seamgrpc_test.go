package seamgrpc_test

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamgrpc"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// watchServer records the correlation ID each streaming call saw.
type watchServer struct {
	healthpb.UnimplementedHealthServer
	seen chan string
}

func (s watchServer) Check(ctx context.Context, _ *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	s.seen <- seam.CorrelationID(ctx)
	return &healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING}, nil
}

func (s watchServer) Watch(_ *healthpb.HealthCheckRequest, stream grpc.ServerStreamingServer[healthpb.HealthCheckResponse]) error {
	s.seen <- seam.CorrelationID(stream.Context())
	return stream.Send(&healthpb.HealthCheckResponse{Status: healthpb.HealthCheckResponse_SERVING})
}

func TestServerAndClientOptions(t *testing.T) {
	_, reader := seamtest.Start(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := watchServer{seen: make(chan string, 3)}
	gs := grpc.NewServer(seamgrpc.ServerOptions()...)
	healthpb.RegisterHealthServer(gs, srv)
	go func() { _ = gs.Serve(ln) }()
	defer gs.Stop()
	conn, err := grpc.NewClient(ln.Addr().String(),
		append(seamgrpc.DialOptions(), grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)

	ctx := seam.WithCorrelationID(context.Background(), "order-42")
	if _, err := client.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatal(err)
	}
	stream, err := client.Watch(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	if got := <-srv.seen; got != "order-42" {
		t.Errorf("unary call saw %q, want the client's ID", got)
	}
	if got := <-srv.seen; len(got) != 26 {
		t.Errorf("unary call without an ID got %q, want a minted ULID", got)
	}
	if got := <-srv.seen; got != "order-42" {
		t.Errorf("streaming call saw %q, want the client's ID", got)
	}

	var check bool
	for _, dp := range seamtest.Histogram(t, reader, semconv.RPCServerCallDurationName) {
		if v, _ := dp.Attributes.Value(semconv.RPCMethodKey); v.AsString() == "grpc.health.v1.Health/Check" {
			check = true
			seamtest.CheckPoint(t, dp, semconv.LatencyBoundaries, map[string]string{
				"rpc.system.name": "grpc", "rpc.method": "grpc.health.v1.Health/Check", "rpc.response.status_code": "OK",
			})
		}
	}
	if !check {
		t.Errorf("no %s series for Health/Check", semconv.RPCServerCallDurationName)
	}
}
