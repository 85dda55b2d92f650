package config

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/confmap"
)

const (
	// Scheme is the URI scheme of the embedded configurations.
	Scheme = "seam"
	// DefaultURI names the embedded default configuration.
	DefaultURI = Scheme + ":default"
)

// NewFactory returns the provider of the embedded configurations.
func NewFactory() confmap.ProviderFactory {
	return confmap.NewProviderFactory(func(confmap.ProviderSettings) confmap.Provider { return provider{} })
}

type provider struct{}

func (provider) Retrieve(_ context.Context, uri string, _ confmap.WatcherFunc) (*confmap.Retrieved, error) {
	if uri != DefaultURI {
		return nil, fmt.Errorf("unknown embedded configuration %q: the only one is %q", uri, DefaultURI)
	}
	return confmap.NewRetrievedFromYAML(Default)
}

func (provider) Scheme() string { return Scheme }

func (provider) Shutdown(context.Context) error { return nil }
