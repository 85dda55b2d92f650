package rollout

import (
	"context"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	seam "github.com/seamtel/seam/sdk-go"
)

//go:noinline
func plainCall(ctx context.Context, in int) (int, error) { return in, nil }

var sinkArm arm

// BenchmarkPlainCall is the yardstick: a function call that does nothing.
func BenchmarkPlainCall(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		n, _ := plainCall(ctx, i)
		sinkArm = arm(n)
	}
}

// BenchmarkDecide is the routing decision a call makes before it runs an
// implementation: read the route and, in canary, hash the sticky key (the
// correlation ID, from the context's baggage, or the caller's own key).
func BenchmarkDecide(b *testing.B) {
	callerKey := seam.NewCorrelationID()
	for _, c := range []struct {
		name  string
		route Route
		key   func(context.Context, int) string
	}{
		{"baseline", Route{Mode: Baseline}, nil},
		{"canary", Route{Mode: Canary, Percent: 25}, nil},
		{"canary-caller-key", Route{Mode: Canary, Percent: 25}, func(context.Context, int) string { return callerKey }},
	} {
		route := c.route
		b.Run(c.name, func(b *testing.B) {
			r, err := New("pricing.quote", plainCall, plainCall, Options[int, int]{Key: c.key})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			basis, _ := route.basis()
			// flags stays what the (absent) flags say, so a refresh keeps this route.
			r.state.Store(&state{route: route, basis: basis, flags: Route{Mode: Baseline}})
			ctx := seam.WithCorrelationID(context.Background(), seam.NewCorrelationID())
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				st := r.state.Load()
				a, _ := r.decide(ctx, i, st)
				sinkArm = a
			}
		})
	}
}

// BenchmarkDo is a whole call through a rollout, its decision counted by
// the real metric SDK, against calling the baseline directly.
func BenchmarkDo(b *testing.B) {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	defer func() { _ = mp.Shutdown(context.Background()) }()
	ctx := seam.WithCorrelationID(context.Background(), seam.NewCorrelationID())
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			n, _ := plainCall(ctx, i)
			sinkArm = arm(n)
		}
	})
	for _, route := range []Route{{Mode: Baseline}, {Mode: Canary, Percent: 25}} {
		b.Run("rollout_"+route.Mode.String(), func(b *testing.B) {
			r, err := New("pricing.quote", plainCall, plainCall, Options[int, int]{MeterProvider: mp, Refresh: time.Hour})
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			basis, _ := route.basis()
			r.state.Store(&state{route: route, basis: basis, flags: Route{Mode: Baseline}})
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				n, _ := r.Do(ctx, i)
				sinkArm = arm(n)
			}
		})
	}
}
