// Package schemaview is the one metric view through which every
// instrument the schema names looks as the schema says, whoever created
// it, and through which the instruments of the scopes Seam installs that
// the schema does not name are dropped. Exemplars keep only their trace
// and span IDs.
package schemaview

import (
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/contrib/instrumentation/runtime"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// New returns the view. ownScope is Seam's own instrumentation scope,
// which, like the instrumentations Seam installs (otelhttp, otelgrpc, the
// runtime's), has its instruments outside the schema (request and
// response sizes, say) dropped: what Seam emits is exactly what the schema
// lists.
//
// The view makes every instrument the schema names look as the schema
// says, whoever created it: histograms get the schema's bucket boundaries
// instead of the SDK's millisecond-scale defaults, the description is the
// schema's, and only the schema's attributes are kept, so instrumentation
// that adds more cannot inflate cardinality or break conformance. An
// instrument whose unit disagrees with the schema is left as it is, for
// the collector's enforcement to report. It is one View, not one per
// metric, because the SDK makes a stream for every view that matches.
func New(ownScope string) sdkmetric.View {
	wrappedScopes := map[string]bool{
		ownScope:           true,
		otelhttp.ScopeName: true,
		otelgrpc.ScopeName: true,
		runtime.ScopeName:  true,
	}
	streams := make(map[string]sdkmetric.Stream, len(semconv.Metrics))
	units := make(map[string]string, len(semconv.Metrics))
	for _, m := range semconv.Metrics {
		s := sdkmetric.Stream{
			Name:            m.Name,
			Description:     m.Description,
			Unit:            m.Unit,
			AttributeFilter: attribute.NewAllowKeysFilter(attributeKeys(m.Attributes)...),

			ExemplarReservoirProviderSelector: bareExemplars,
		}
		if m.Instrument == "histogram" {
			s.Aggregation = sdkmetric.AggregationExplicitBucketHistogram{Boundaries: m.Boundaries}
		}
		streams[m.Name] = s
		units[m.Name] = m.Unit
	}
	return func(i sdkmetric.Instrument) (sdkmetric.Stream, bool) {
		if s, ok := streams[i.Name]; ok {
			if units[i.Name] != i.Unit {
				return sdkmetric.Stream{}, false
			}
			return s, true
		}
		if wrappedScopes[i.Scope.Name] {
			return sdkmetric.Stream{Name: i.Name, Aggregation: sdkmetric.AggregationDrop{}}, true
		}
		return sdkmetric.Stream{}, false
	}
}

func attributeKeys(names []string) []attribute.Key {
	keys := make([]attribute.Key, len(names))
	for i, n := range names {
		keys[i] = attribute.Key(n)
	}
	return keys
}
