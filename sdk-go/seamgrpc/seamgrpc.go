// Package seamgrpc instruments gRPC servers and clients with otelgrpc and
// carries Seam's correlation ID across them.
//
// Both use the global providers that seam.Start installs. The server
// records the semconv rpc.server.call.duration, which Start's views give
// the schema's buckets and attributes.
//
// A Crossing marks the client's calls to one operation as crossings of the
// Go/Rust boundary (a Rust gRPC service that took over the operation), as
// seamhttp.Crossing does over HTTP: it records
// seam.boundary.call.duration{seam.operation, seam.boundary.kind=grpc,
// error.type} and, when the Go fallback serves a failed call,
// seam.boundary.fallbacks:
//
//	conn, err := grpc.NewClient(addr, append(seamgrpc.DialOptions(),
//		grpc.WithTransportCredentials(insecure.NewCredentials()))...)
//	quote, err := seamgrpc.NewCrossing("pricing.quote",
//		seamgrpc.CrossingOptions{Timeout: 100 * time.Millisecond})
//	err = quote.Call(ctx, func(ctx context.Context) (err error) {
//		reply, err = client.Quote(ctx, req) // panic, timeout, invalid_input or internal
//		return err
//	}, quoteInGo) // optional fallback
package seamgrpc

import (
	"context"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// ServerOptions instrument a server as an ingress: each call gets a server
// span from the incoming trace context, and keeps its correlation ID (from
// the incoming baggage) or has one minted, on the span and in the handler's
// context. opts are passed to otelgrpc after Seam's own.
func ServerOptions(opts ...otelgrpc.Option) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.StatsHandler(otelgrpc.NewServerHandler(withSeam(opts)...)),
		grpc.ChainUnaryInterceptor(unaryIngress),
		grpc.ChainStreamInterceptor(streamIngress),
	}
}

// DialOptions instrument a client: each call gets a client span and
// carries the trace context and baggage, and so the correlation ID, of its
// context. It never mints an ID: that is for ingress only. A unary call
// that fails with an outcome the server named in ErrorTypeKey (a Rust
// handler's panic) returns a *StatusError, which a Crossing records as
// that outcome.
func DialOptions(opts ...otelgrpc.Option) []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(withSeam(opts)...)),
		grpc.WithChainUnaryInterceptor(namedOutcome),
	}
}

func withSeam(opts []otelgrpc.Option) []otelgrpc.Option {
	return append([]otelgrpc.Option{otelgrpc.WithPropagators(seam.Propagator())}, opts...)
}

// ingress runs after the stats handler has extracted the incoming context
// and started the server span.
func ingress(ctx context.Context) context.Context {
	ctx, id := seam.EnsureCorrelationID(ctx)
	trace.SpanFromContext(ctx).SetAttributes(semconv.SeamCorrelationID(id))
	return ctx
}

func unaryIngress(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	return handler(ingress(ctx), req)
}

func streamIngress(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &ingressStream{ServerStream: ss, ctx: ingress(ss.Context())})
}

// ingressStream is a server stream whose context carries the correlation ID.
type ingressStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ingressStream) Context() context.Context { return s.ctx }
