package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/seamtel/seam/collector/internal/loaddata"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// pipeline is what a collector under test does between its OTLP receiver
// and its nop exporter, for all three signals.
type pipeline struct {
	name       string
	processors []string
	// config holds the processors' configuration.
	config func() map[string]any
}

var (
	passthrough = pipeline{name: "batch", processors: []string{"batch"}, config: func() map[string]any { return map[string]any{"batch": nil} }}
	enforce     = pipeline{name: "seam_schema", processors: []string{"seam_schema", "batch"}, config: func() map[string]any {
		return map[string]any{"seam_schema": map[string]any{"mode": "enforce"}, "batch": nil}
	}}
	// upstreamFixes are contrib's transform and redaction processors doing
	// what seam_schema does to loaddata's foreign batches.
	upstreamFixes = pipeline{name: "transform+redaction", processors: []string{"transform", "redaction", "batch"}, config: func() map[string]any {
		return map[string]any{"transform": transformConfig(), "redaction": redactionConfig(), "batch": nil}
	}}
)

// collectorConfig is a whole configuration: one OTLP/gRPC receiver on
// addr, p for each signal, nop at the end, own metrics pulled on telemetry.
func collectorConfig(p pipeline, addr, telemetry string) ([]byte, error) {
	host, portStr, ok := strings.Cut(telemetry, ":")
	port, err := strconv.Atoi(portStr)
	if !ok || err != nil {
		return nil, fmt.Errorf("telemetry address %q has no port number", telemetry)
	}
	pipelines := map[string]any{}
	for _, signal := range []string{"traces", "metrics", "logs"} {
		pipelines[signal] = map[string]any{"receivers": []string{"otlp"}, "processors": p.processors, "exporters": []string{"nop"}}
	}
	cfg := map[string]any{
		"receivers":  map[string]any{"otlp": map[string]any{"protocols": map[string]any{"grpc": map[string]any{"endpoint": addr}}}},
		"processors": p.config(),
		"exporters":  map[string]any{"nop": nil},
		"service": map[string]any{
			"telemetry": map[string]any{
				"logs": map[string]any{"level": "warn"},
				"metrics": map[string]any{"level": "normal", "readers": []any{map[string]any{"pull": map[string]any{"exporter": map[string]any{
					"prometheus": map[string]any{"host": host, "port": port},
				}}}}},
			},
			"pipelines": pipelines,
		},
	}
	return yaml.Marshal(cfg)
}

// transformConfig renames loaddata's foreign spellings as the schema does
// (the canonical key wins when both are present), types the status code as
// the schema's int, and applies the schema's value patterns to log bodies,
// which the redaction processor does not scan.
func transformConfig() map[string]any {
	renames := func(list []loaddata.Rename) []string {
		var out []string
		for _, r := range list {
			from, to := ottlKey(r.From), ottlKey(r.To)
			out = append(out,
				fmt.Sprintf("set(%s, %s) where %s != nil and %s == nil", to, from, from, to),
				fmt.Sprintf("delete_key(attributes, %s)", strconv.Quote(r.From)))
		}
		return out
	}
	attrs := append(renames(loaddata.AttributeRenames),
		fmt.Sprintf("set(%[1]s, Int(%[1]s)) where %[1]s != nil", ottlKey("http.response.status_code")))
	var body []string
	for _, p := range semconv.RedactionPatterns {
		body = append(body, fmt.Sprintf("replace_pattern(body, %s, %s) where IsString(body)", strconv.Quote(p.Regex), strconv.Quote(p.Replacement)))
	}
	resource := map[string]any{"context": "resource", "statements": renames(loaddata.ResourceRenames)}
	return map[string]any{
		"error_mode":        "ignore",
		"trace_statements":  []any{resource, map[string]any{"context": "span", "statements": attrs}},
		"metric_statements": []any{resource, map[string]any{"context": "datapoint", "statements": attrs}},
		"log_statements":    []any{resource, map[string]any{"context": "log", "statements": append(attrs, body...)}},
	}
}

func ottlKey(k string) string { return "attributes[" + strconv.Quote(k) + "]" }

// redactionConfig masks the schema's sensitive keys and its value patterns
// in every attribute.
func redactionConfig() map[string]any {
	var keys []string
	for _, k := range semconv.SensitiveKeys {
		keys = append(keys, "^"+regexp.QuoteMeta(k)+"$")
	}
	for _, glob := range semconv.SensitiveKeyPatterns {
		parts := strings.Split(glob, "*")
		for i, part := range parts {
			parts[i] = regexp.QuoteMeta(part)
		}
		keys = append(keys, "(?i)^"+strings.Join(parts, ".*")+"$")
	}
	var values []string
	for _, p := range semconv.RedactionPatterns {
		values = append(values, p.Regex)
	}
	return map[string]any{
		"allow_all_keys":       true,
		"blocked_key_patterns": keys,
		"blocked_values":       values,
		"summary":              "silent",
	}
}
