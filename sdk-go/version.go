package seam

import (
	"go.opentelemetry.io/otel/sdk/instrumentation"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Version is the version of the Seam Go SDK, reported as the
// instrumentation scope version.
const Version = "0.1.0"

// instrumentationName is the instrumentation scope of Seam's own
// instruments and spans.
const instrumentationName = "github.com/seamtel/seam/sdk-go"

// ownScope is that scope in full, for the internal packages that emit
// under it.
var ownScope = instrumentation.Scope{Name: instrumentationName, Version: Version, SchemaURL: semconv.SchemaURL}
