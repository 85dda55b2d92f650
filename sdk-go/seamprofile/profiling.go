// Package seamprofile profiles a Go service continuously with Pyroscope, as
// a Seam extension: profiles are pushed under the service's name and
// labels, and spans label the samples they cover with their span ID, which
// links a trace to its profile.
//
//	prof := seamprofile.New(seamprofile.Config{ServerAddress: "http://pyroscope:4040"})
//	tel, err := seam.Start(ctx, seam.Config{ServiceName: "pricing", Extensions: []seam.Extension{prof}})
package seamprofile

import (
	"context"
	"fmt"
	"net/url"
	"time"

	otelpyroscope "github.com/grafana/otel-profiling-go"
	"github.com/grafana/pyroscope-go"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// Config configures continuous profiling.
type Config struct {
	// ServerAddress is the Pyroscope server, e.g. "http://pyroscope:4040".
	// Required.
	ServerAddress string
	// UploadRate is how often profiles are sent. Default 15s.
	UploadRate time.Duration
	// Tags are added to the service's own labels.
	Tags map[string]string
	// BasicAuthUser and BasicAuthPassword authenticate to the server.
	BasicAuthUser, BasicAuthPassword string
	// TenantID selects a tenant of a multi-tenant server.
	TenantID string
}

// Profiler is the extension: pass it in seam.Config.Extensions.
type Profiler struct {
	cfg      Config
	profiler *pyroscope.Profiler
}

// New returns the extension; nothing runs before seam.Start.
func New(cfg Config) *Profiler { return &Profiler{cfg: cfg} }

// Validate reports a bad Config, for seam.Start to name with the others.
func (p *Profiler) Validate() error {
	switch u, err := url.Parse(p.cfg.ServerAddress); {
	case p.cfg.ServerAddress == "":
		return fmt.Errorf("seamprofile: Config.ServerAddress: required")
	case err != nil || u.Host == "":
		return fmt.Errorf("seamprofile: Config.ServerAddress: want a URL like http://pyroscope:4040, got %q", p.cfg.ServerAddress)
	case p.cfg.UploadRate < 0:
		return fmt.Errorf("seamprofile: Config.UploadRate: must not be negative, got %v", p.cfg.UploadRate)
	}
	return nil
}

// WrapTracerProvider is called by seam.Start: it starts Pyroscope with the
// service's labels and returns tp wrapped so each span labels the profile
// samples taken while it runs.
func (p *Profiler) WrapTracerProvider(ec seam.ExtensionContext, tp trace.TracerProvider) (trace.TracerProvider, error) {
	tags := map[string]string{string(semconv.SeamImplKey): ec.Impl}
	if ec.ServiceVersion != "" {
		tags[string(semconv.ServiceVersionKey)] = ec.ServiceVersion
	}
	if ec.Environment != "" {
		tags[string(semconv.DeploymentEnvironmentNameKey)] = ec.Environment
	}
	for k, v := range p.cfg.Tags {
		tags[k] = v
	}
	rate := p.cfg.UploadRate
	if rate == 0 {
		rate = 15 * time.Second
	}
	prof, err := pyroscope.Start(pyroscope.Config{
		ApplicationName:   ec.ServiceName,
		ServerAddress:     p.cfg.ServerAddress,
		Tags:              tags,
		UploadRate:        rate,
		BasicAuthUser:     p.cfg.BasicAuthUser,
		BasicAuthPassword: p.cfg.BasicAuthPassword,
		TenantID:          p.cfg.TenantID,
	})
	if err != nil {
		return nil, fmt.Errorf("seamprofile: %w", err)
	}
	p.profiler = prof
	return otelpyroscope.NewTracerProvider(tp), nil
}

// Shutdown stops the profiler, which uploads what it holds, giving up
// waiting when ctx ends.
func (p *Profiler) Shutdown(ctx context.Context) error {
	if p.profiler == nil {
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- p.profiler.Stop() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
