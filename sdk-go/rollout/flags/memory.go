// Package flags holds OpenFeature providers that serve rollout routes as
// the flags sdk-go/rollout reads (rollout.ModeFlag, rollout.PercentFlag):
// Memory, set at run time, and Env, from SEAM_ROLLOUT and SEAM_ROLLOUT_FILE.
// Any other OpenFeature provider serving those flags works as well.
package flags

import (
	"fmt"
	"maps"
	"sync"

	"github.com/open-feature/go-sdk/openfeature"
	"github.com/open-feature/go-sdk/openfeature/memprovider"

	"github.com/seamtel/seam/sdk-go/rollout"
)

// Memory serves routes set at run time. Each change is announced with
// PROVIDER_CONFIGURATION_CHANGED, so rollouts follow it at once.
type Memory struct {
	*memprovider.InMemoryProvider

	mu     sync.Mutex
	routes map[string]rollout.Route
}

var _ openfeature.FeatureProvider = (*Memory)(nil)

// NewMemory returns a provider serving routes (which may be nil).
func NewMemory(routes map[string]rollout.Route) (*Memory, error) {
	m := &Memory{InMemoryProvider: memprovider.NewInMemoryProvider(nil), routes: map[string]rollout.Route{}}
	return m, m.Replace(routes)
}

// Metadata names the provider.
func (m *Memory) Metadata() openfeature.Metadata {
	return openfeature.Metadata{Name: "seam-rollout-memory"}
}

// Set sets one operation's route.
func (m *Memory) Set(operation string, r rollout.Route) error {
	return m.update(map[string]rollout.Route{operation: r}, false)
}

// Replace serves routes and nothing else.
func (m *Memory) Replace(routes map[string]rollout.Route) error {
	return m.update(routes, true)
}

// Routes returns a copy of the routes served.
func (m *Memory) Routes() map[string]rollout.Route {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.routes)
}

func (m *Memory) update(routes map[string]rollout.Route, replace bool) error {
	for op, r := range routes {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("route %s: %w", op, err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next := map[string]rollout.Route{}
	if !replace {
		next = maps.Clone(m.routes)
	}
	maps.Copy(next, routes)
	m.routes = next
	m.UpdateFlags(flagsOf(next))
	return nil
}

// flagsOf is routes as the flags rollouts read.
func flagsOf(routes map[string]rollout.Route) map[string]memprovider.InMemoryFlag {
	flags := make(map[string]memprovider.InMemoryFlag, 2*len(routes))
	static := func(key string, v any) {
		flags[key] = memprovider.InMemoryFlag{Key: key, State: memprovider.Enabled, DefaultVariant: "route", Variants: map[string]any{"route": v}}
	}
	for op, r := range routes {
		static(rollout.ModeFlag(op), r.Mode.String())
		static(rollout.PercentFlag(op), r.Percent)
	}
	return flags
}
