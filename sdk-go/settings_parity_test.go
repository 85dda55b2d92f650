package seam

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"

	"github.com/seamtel/seam/sdk-go/internal/loglevel"
	"github.com/seamtel/seam/sdk-go/internal/pipeline"
	"github.com/seamtel/seam/sdk-go/internal/settings"
)

// parityCase is one case of schema/testdata/parity/env.json, which the Rust
// SDK's suite runs too.
type parityCase struct {
	Name   string            `json:"name"`
	Config map[string]any    `json:"config"`
	Env    map[string]string `json:"env"`
	Want   map[string]any    `json:"want"`
	Error  []string          `json:"error"`
}

func loadParityCases(t *testing.T) []parityCase {
	t.Helper()
	raw, err := os.ReadFile("../schema/testdata/parity/env.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []parityCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("env.json: %v", err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("env.json has no cases")
	}
	return file.Cases
}

// Every case of the shared file resolves in Go as the file says.
func TestSettingsParity(t *testing.T) {
	for _, c := range loadParityCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			cfg := parityConfig(t, c.Config)
			s, err := resolve(cfg, env(c.Env))
			if c.Error != nil {
				if err == nil {
					t.Fatalf("accepted; want an error naming %q", c.Error)
				}
				for _, w := range c.Error {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Want == nil {
				t.Fatal("a case needs want or error")
			}
			view := settingsView(s)
			for key, want := range c.Want {
				switch key {
				case "resource", "resource_present":
					checkParityResource(t, s, key, want)
					continue
				}
				got, ok := view[key]
				if !ok {
					t.Fatalf("want key %q is not a setting this runner knows", key)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", key, got, want)
				}
			}
		})
	}
}

// parityConfig maps a case's config onto Config; an unknown key fails the
// test so that no case silently tests less in Go than in Rust.
func parityConfig(t *testing.T, m map[string]any) Config {
	t.Helper()
	var cfg Config
	for key, v := range m {
		switch key {
		case "service_name":
			cfg.ServiceName = v.(string)
		case "service_version":
			cfg.ServiceVersion = v.(string)
		case "environment":
			cfg.Environment = v.(string)
		case "endpoint":
			cfg.Endpoint = v.(string)
		case "protocol":
			cfg.Protocol = Protocol(v.(string))
		case "export_timeout_ms":
			cfg.ExportTimeout = time.Duration(v.(float64)) * time.Millisecond
		case "metric_interval_ms":
			cfg.MetricInterval = time.Duration(v.(float64)) * time.Millisecond
		case "log_level":
			level, err := ParseLevel(v.(string))
			if err != nil {
				t.Fatal(err)
			}
			cfg.LogLevel = level
		case "headers":
			cfg.Headers = map[string]string{}
			for k, hv := range v.(map[string]any) {
				cfg.Headers[k] = hv.(string)
			}
		case "resource_attributes":
			for k, av := range v.(map[string]any) {
				cfg.ResourceAttributes = append(cfg.ResourceAttributes, attribute.String(k, av.(string)))
			}
		default:
			t.Fatalf("config key %q is not one this runner knows", key)
		}
	}
	return cfg
}

// settingsView spells settings as the case file does.
func settingsView(s *settings.Settings) map[string]any {
	exporter := func(sig pipeline.Signal) any {
		if s.ExportEnabled[sig] {
			return "otlp"
		}
		return "none"
	}
	headers := map[string]any{}
	for k, v := range s.OTLP.Headers {
		headers[k] = v
	}
	ms := func(d time.Duration) any { return float64(d.Milliseconds()) }
	return map[string]any{
		"protocol":           s.OTLP.Protocol,
		"traces_endpoint":    s.OTLP.Endpoints[pipeline.Traces].String(),
		"metrics_endpoint":   s.OTLP.Endpoints[pipeline.Metrics].String(),
		"logs_endpoint":      s.OTLP.Endpoints[pipeline.Logs].String(),
		"traces_exporter":    exporter(pipeline.Traces),
		"metrics_exporter":   exporter(pipeline.Metrics),
		"logs_exporter":      exporter(pipeline.Logs),
		"export_timeout_ms":  ms(s.OTLP.Timeout),
		"metric_interval_ms": ms(s.MetricInterval),
		"sampler":            s.Sampler.Name,
		"sampler_arg":        s.Sampler.Arg,
		"headers":            headers,
		"span_queue_size":    float64(s.Spans.QueueSize),
		"span_batch_size":    float64(s.Spans.BatchSize),
		"span_delay_ms":      ms(s.Spans.Delay),
		"log_queue_size":     float64(s.Logs.QueueSize),
		"log_batch_size":     float64(s.Logs.BatchSize),
		"log_delay_ms":       ms(s.Logs.Delay),
		"log_level":          loglevel.Name(s.LogLevel.Level()),
		"disabled":           s.Disabled,
	}
}

func checkParityResource(t *testing.T, s *settings.Settings, key string, want any) {
	t.Helper()
	res, err := s.Resource(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, kv := range res.Attributes() {
		got[string(kv.Key)] = kv.Value.Emit()
	}
	switch key {
	case "resource":
		for k, v := range want.(map[string]any) {
			w := strings.ReplaceAll(fmt.Sprint(v), "{impl}", "go")
			if got[k] != w {
				t.Errorf("resource %s = %q, want %q", k, got[k], w)
			}
		}
	case "resource_present":
		for _, k := range want.([]any) {
			if got[k.(string)] == "" {
				t.Errorf("resource has no %s: %v", k, got)
			}
		}
	}
}
