package seam

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// newResource builds the resource every signal carries: whatever
// OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME say, overridden by Config,
// then the attributes Seam fixes itself, under the schema's URL.
func newResource(ctx context.Context, s *settings) (*resource.Resource, error) {
	fromEnv, err := resource.New(ctx, resource.WithFromEnv())
	if err != nil {
		return nil, fmt.Errorf("seam: %s: %w", envResourceAttrs, err)
	}
	attrs := append([]attribute.KeyValue{}, fromEnv.Attributes()...)
	attrs = append(attrs, s.resourceAttrs...)
	attrs = append(attrs,
		semconv.ServiceName(s.serviceName),
		semconv.TelemetrySDKLanguageGo,
		semconv.SeamImplGo,
	)
	if s.serviceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(s.serviceVersion))
	}
	if s.environment != "" {
		attrs = append(attrs, semconv.DeploymentEnvironmentName(s.environment))
	}
	// NewWithAttributes keeps the last value of a repeated key, so the
	// order above is the precedence: Seam's own, then Config, then env.
	return resource.NewWithAttributes(semconv.SchemaURL, attrs...), nil
}
