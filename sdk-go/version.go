package seam

// Version is the version of the Seam Go SDK, reported as the
// instrumentation scope version.
const Version = "0.1.0"

// instrumentationName is the instrumentation scope of Seam's own
// instruments and spans.
const instrumentationName = "github.com/seamtel/seam/sdk-go"
