package settings

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/google/uuid"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// instanceID is service.instance.id: one random UUID per process, as the
// semantic conventions recommend, so that replicas of one service never
// share a series.
var instanceID = sync.OnceValue(func() string { return uuid.NewString() })

// Resource builds the resource every signal carries. Precedence, lowest
// first: what Seam detects (instance, host, OS, process, SDK), then
// OTEL_RESOURCE_ATTRIBUTES, then Config, then the attributes Seam fixes
// itself; all under the schema's URL.
func (s *Settings) Resource(ctx context.Context) (*resource.Resource, error) {
	// Process command arguments are left out: secrets are passed there.
	detected, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		resource.WithOSType(),
		resource.WithProcessPID(),
		resource.WithProcessExecutableName(),
		resource.WithProcessRuntimeName(),
		resource.WithProcessRuntimeVersion(),
		resource.WithProcessRuntimeDescription(),
	)
	// A detector that finds nothing is no reason to refuse the service.
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("seam: resource detection: %w", err)
	}
	attrs := []attribute.KeyValue{semconv.ServiceInstanceID(instanceID()), hostArch()}
	if detected != nil {
		attrs = append(attrs, detected.Attributes()...)
	}
	attrs = append(attrs, s.EnvResourceAttrs...)
	attrs = append(attrs, s.ResourceAttrs...)
	attrs = append(attrs,
		semconv.ServiceName(s.ServiceName),
		semconv.TelemetrySDKLanguageGo,
		semconv.SeamImplGo,
	)
	if s.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(s.ServiceVersion))
	}
	if s.Environment != "" {
		attrs = append(attrs, semconv.DeploymentEnvironmentName(s.Environment))
	}
	// NewWithAttributes keeps the last value of a repeated key, so the
	// order above is the precedence.
	return resource.NewWithAttributes(semconv.SchemaURL, attrs...), nil
}

// hostArch is host.arch in the semantic conventions' spelling, which is
// GOARCH's but for a few.
func hostArch() attribute.KeyValue {
	arch := map[string]string{"386": "x86", "arm": "arm32", "ppc64": "ppc64", "ppc64le": "ppc64"}[runtime.GOARCH]
	if arch == "" {
		arch = runtime.GOARCH
	}
	return attribute.String("host.arch", arch)
}
