package settings

import (
	"testing"
	"time"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// The Go-only Config fields (the shared parity cases, run in the root
// package, cover the rest).
func TestResolveGoOnlyFields(t *testing.T) {
	s, err := Resolve(Config{
		ServiceName: "s", Endpoint: "collector.internal:4317", Insecure: true, Protocol: pipeline.ProtocolGRPC, QueueSize: 10,
	}, env(map[string]string{envSpanQueueSize: "100", envLogQueueSize: "200"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.OTLP.Endpoints[pipeline.Logs].String(); got != "http://collector.internal:4317" {
		t.Errorf("Config.Insecure host:port endpoint: %s", got)
	}
	if s.Spans.QueueSize != 10 || s.Logs.QueueSize != 10 {
		t.Errorf("Config.QueueSize did not win: spans %d logs %d", s.Spans.QueueSize, s.Logs.QueueSize)
	}
	if s.Runtime.Interval != 15*time.Second {
		t.Errorf("runtime interval default: %v", s.Runtime.Interval)
	}
}
