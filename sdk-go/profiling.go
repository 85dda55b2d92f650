package seam

import (
	"fmt"
	"time"

	otelpyroscope "github.com/grafana/otel-profiling-go"
	"github.com/grafana/pyroscope-go"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// startProfiling starts Pyroscope with the service's labels and returns tp
// wrapped so each span labels the profile samples taken while it runs with
// its span ID. Nothing here runs unless Config.Profiling is set.
func startProfiling(s *settings, tp trace.TracerProvider) (*pyroscope.Profiler, trace.TracerProvider, error) {
	p := s.profiling
	tags := map[string]string{
		string(semconv.SeamImplKey): semconv.SeamImplGo.Value.AsString(),
	}
	if s.serviceVersion != "" {
		tags[string(semconv.ServiceVersionKey)] = s.serviceVersion
	}
	if s.environment != "" {
		tags[string(semconv.DeploymentEnvironmentNameKey)] = s.environment
	}
	for k, v := range p.Tags {
		tags[k] = v
	}
	rate := p.UploadRate
	if rate == 0 {
		rate = 15 * time.Second
	}
	prof, err := pyroscope.Start(pyroscope.Config{
		ApplicationName:   s.serviceName,
		ServerAddress:     p.ServerAddress,
		Tags:              tags,
		UploadRate:        rate,
		BasicAuthUser:     p.BasicAuthUser,
		BasicAuthPassword: p.BasicAuthPassword,
		TenantID:          p.TenantID,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("seam: Config.Profiling: %w", err)
	}
	return prof, otelpyroscope.NewTracerProvider(tp), nil
}
