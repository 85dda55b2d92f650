package schemaview

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/exemplar"
)

// bareExemplars selects the SDK's default reservoirs but offers them no
// attributes. An exemplar would otherwise carry every attribute the
// schema's view dropped from its point: unbounded, unredacted, and longer
// than the 128 runes OpenMetrics allows an exemplar's labels, so that the
// Prometheus handler loses the exemplar and logs at every scrape. The trace
// and span IDs, which are what an exemplar is for, stay.
func bareExemplars(agg sdkmetric.Aggregation) exemplar.ReservoirProvider {
	inner := sdkmetric.DefaultExemplarReservoirProviderSelector(agg)
	return func(attrs attribute.Set) exemplar.Reservoir {
		return bareReservoir{inner(attrs)}
	}
}

type bareReservoir struct{ exemplar.Reservoir }

func (r bareReservoir) Offer(ctx context.Context, t time.Time, v exemplar.Value, _ []attribute.KeyValue) {
	r.Reservoir.Offer(ctx, t, v, nil)
}
