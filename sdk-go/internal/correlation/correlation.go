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

// ID returns the correlation ID ctx carries, or "" when there is none.
func ID(ctx context.Context) string {
	return baggage.FromContext(ctx).Member(semconv.CorrelationBaggageKey).Value()
}
