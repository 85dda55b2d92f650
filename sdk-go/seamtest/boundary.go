package seamtest

import (
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// BoundaryCalls reads what r holds of the calls to operation across the
// boundary of kind (a seam.boundary.kind value), by error.type ("" for a
// call that succeeded): seam.boundary.call.duration's counts, each point
// checked for the schema's buckets and its attribute set, and
// seam.boundary.fallbacks. A point of another operation or kind, or with
// other attributes, fails the test.
func BoundaryCalls(t testing.TB, r *sdkmetric.ManualReader, operation, kind string) (calls map[string]uint64, fallbacks map[string]int64) {
	t.Helper()
	calls, fallbacks = map[string]uint64{}, map[string]int64{}
	for _, dp := range Histogram(t, r, semconv.SeamBoundaryCallDurationName) {
		errorType, _ := dp.Attributes.Value(semconv.ErrorTypeKey)
		want := map[string]string{string(semconv.SeamOperationKey): operation, string(semconv.SeamBoundaryKindKey): kind}
		if errorType.AsString() != "" {
			want[string(semconv.ErrorTypeKey)] = errorType.AsString()
		}
		CheckPoint(t, dp, semconv.LatencyBoundaries, want)
		calls[errorType.AsString()] += dp.Count
	}
	for _, dp := range Sum(t, r, semconv.SeamBoundaryFallbacksName) {
		op, _ := dp.Attributes.Value(semconv.SeamOperationKey)
		k, _ := dp.Attributes.Value(semconv.SeamBoundaryKindKey)
		if op.AsString() != operation || k.AsString() != kind || dp.Attributes.Len() != 3 {
			t.Errorf("%s recorded with %v, want %s over %s with an error.type", semconv.SeamBoundaryFallbacksName, dp.Attributes.ToSlice(), operation, kind)
		}
		errorType, _ := dp.Attributes.Value(semconv.ErrorTypeKey)
		fallbacks[errorType.AsString()] += dp.Value
	}
	return calls, fallbacks
}
