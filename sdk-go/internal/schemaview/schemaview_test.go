package schemaview

import (
	"slices"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// A schema instrument gets the schema's stream; one of a wrapped scope
// outside the schema is dropped; anything else, or a schema name in the
// wrong unit, is left to the SDK's defaults.
func TestView(t *testing.T) {
	view := New("own")
	inst := func(scope, name, unit string) sdkmetric.Instrument {
		return sdkmetric.Instrument{Name: name, Unit: unit, Scope: instrumentation.Scope{Name: scope}}
	}
	s, ok := view(inst("anyone", semconv.SeamOperationDurationName, semconv.SeamOperationDurationUnit))
	if !ok || !slices.Equal(s.Aggregation.(sdkmetric.AggregationExplicitBucketHistogram).Boundaries,
		semconv.HistogramBoundaries[semconv.SeamOperationDurationName]) {
		t.Errorf("schema instrument: %+v, %v", s, ok)
	}
	for _, scope := range []string{"own", otelhttp.ScopeName} {
		if s, ok := view(inst(scope, "http.server.request.body.size", "By")); !ok || s.Aggregation != (sdkmetric.AggregationDrop{}) {
			t.Errorf("%s's instrument outside the schema: %+v, %v", scope, s, ok)
		}
	}
	if _, ok := view(inst("anyone", "app.queue.depth", "1")); ok {
		t.Error("another scope's instrument was matched")
	}
	if _, ok := view(inst("anyone", semconv.SeamOperationDurationName, "ms")); ok {
		t.Error("a schema name in the wrong unit was matched")
	}
}
