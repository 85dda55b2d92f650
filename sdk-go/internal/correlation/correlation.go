// Package correlation reads the correlation ID a context carries in its
// W3C baggage (seam.correlation_id). The root package's CorrelationID is
// its public face; the log handlers read the ID here, as they cannot
// import the root package.
package correlation

import (
	"context"

	"go.opentelemetry.io/otel/baggage"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// idKey holds the ID as a plain context value, beside the baggage that
// carries it across processes: set where Seam puts the ID in the baggage
// or adopts it at ingress, it spares every later read (each log line, each
// canary decision) the baggage's map lookup.
type idKey struct{}

// ID returns the correlation ID ctx carries, or "" when there is none.
func ID(ctx context.Context) string {
	if id, ok := ctx.Value(idKey{}).(string); ok {
		return id
	}
	return FromBaggage(ctx)
}

// FromBaggage returns the ID in ctx's baggage alone.
func FromBaggage(ctx context.Context) string {
	return baggage.FromContext(ctx).Member(semconv.CorrelationBaggageKey).Value()
}

// With returns ctx remembering id, which its baggage carries.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey{}, id)
}
