package seam

import (
	"context"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/settings"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// An Extension is an optional part of Seam that Start installs and Shutdown
// stops first. Each lives in a package of its own, so a service that does not
// use it does not link it: seamprom serves the metrics to Prometheus,
// seamprofile profiles continuously. An extension also implements one or
// more of MetricReaderExtension and TracerProviderExtension, and may have a
// Validate() error method, whose error Start reports with the others.
type Extension interface {
	// Shutdown stops what the extension started, giving up when ctx ends.
	Shutdown(ctx context.Context) error
}

// MetricReaderExtension reads the meter provider's metrics, with the
// schema's views, like the OTLP exporter.
type MetricReaderExtension interface {
	Extension
	MetricReader(ExtensionContext) (sdkmetric.Reader, error)
}

// TracerProviderExtension wraps the tracer provider Start installs.
type TracerProviderExtension interface {
	Extension
	WrapTracerProvider(ExtensionContext, trace.TracerProvider) (trace.TracerProvider, error)
}

// ExtensionContext is what Start tells an extension of the service.
type ExtensionContext struct {
	ServiceName, ServiceVersion, Environment string
	// Impl is the seam.impl value: "go".
	Impl string
	// RuntimeProducer produces the runtime histograms (GC pauses,
	// scheduling latency) on the schema's buckets, for a metric reader to
	// include; nil when the runtime metrics are off.
	RuntimeProducer sdkmetric.Producer
}

// implGo is seam.impl for everything this SDK records.
var implGo = semconv.SeamImplGo.Value.AsString()

// extensionContext is what the extensions are told of the service s
// describes, and producer, the runtime histograms' producer or nil.
func extensionContext(s *settings.Settings, producer sdkmetric.Producer) ExtensionContext {
	return ExtensionContext{
		ServiceName: s.ServiceName, ServiceVersion: s.ServiceVersion, Environment: s.Environment,
		Impl: implGo, RuntimeProducer: producer,
	}
}
