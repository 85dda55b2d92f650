package seam

import (
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// schemaViews makes every instrument the schema names look as the schema
// says, whoever created it (Seam, otelhttp, otelgrpc, the runtime
// instrumentation): histograms get the schema's bucket boundaries instead
// of the SDK's millisecond-scale defaults, and only the schema's attributes
// are kept, so instrumentation that adds more cannot inflate cardinality or
// break conformance.
func schemaViews() []sdkmetric.View {
	views := make([]sdkmetric.View, 0, len(semconv.Metrics))
	for _, m := range semconv.Metrics {
		stream := sdkmetric.Stream{
			AttributeFilter: attribute.NewAllowKeysFilter(attributeKeys(m.Attributes)...),
		}
		if m.Instrument == "histogram" {
			stream.Aggregation = sdkmetric.AggregationExplicitBucketHistogram{
				Boundaries: m.Boundaries,
			}
		}
		views = append(views, sdkmetric.NewView(sdkmetric.Instrument{Name: m.Name}, stream))
	}
	return views
}

func attributeKeys(names []string) []attribute.Key {
	keys := make([]attribute.Key, len(names))
	for i, n := range names {
		keys[i] = attribute.Key(n)
	}
	return keys
}
