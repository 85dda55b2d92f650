package settings

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// The parsers below read one environment variable each and report a bad
// value through fail, naming the variable and the value, so that resolve
// can refuse a configuration with every problem at once.

func envBool(getenv func(string) string, name string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, fmt.Errorf("%s: want true or false, got %q", name, v)
	}
}

// durationSetting returns the Config value when set, else the env value in
// milliseconds (as OpenTelemetry specifies), else def.
func durationSetting(v time.Duration, field string, getenv func(string) string, env string, def time.Duration, fail func(string, ...any)) time.Duration {
	if v < 0 {
		fail("%s: must not be negative, got %v", field, v)
		return def
	}
	if v > 0 {
		return v
	}
	raw := strings.TrimSpace(getenv(env))
	if raw == "" {
		return def
	}
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ms <= 0 {
		fail("%s: want a positive number of milliseconds, got %q", env, raw)
		return def
	}
	return time.Duration(ms) * time.Millisecond
}

// intSetting returns the Config value when set, else the env value, else def.
func intSetting(v int, field string, getenv func(string) string, env string, def int, fail func(string, ...any)) int {
	if v < 0 {
		fail("%s: must not be negative, got %d", field, v)
		return def
	}
	if v > 0 {
		return v
	}
	raw := strings.TrimSpace(getenv(env))
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n <= 0 {
		fail("%s: want a positive integer, got %q", env, raw)
		return def
	}
	return n
}

// keyValue is one member of a key=value list variable.
type keyValue struct{ key, value string }

// parseKeyValues reads the comma-separated key=value lists of
// OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS: keys and values
// trimmed, values percent-decoded, empty members skipped. A member without
// '=' or with an empty key is an error naming it.
func parseKeyValues(name, raw string) ([]keyValue, error) {
	var out []keyValue
	for member := range strings.SplitSeq(raw, ",") {
		if strings.TrimSpace(member) == "" {
			continue
		}
		key, value, ok := strings.Cut(member, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, fmt.Errorf("%s: want comma-separated key=value, got %q", name, strings.TrimSpace(member))
		}
		value = strings.TrimSpace(value)
		if dec, err := url.PathUnescape(value); err == nil {
			value = dec
		}
		out = append(out, keyValue{key, value})
	}
	return out, nil
}

// Sampler is OTEL_TRACES_SAMPLER and its argument.
type Sampler struct {
	Name string
	Arg  float64
}

// The samplers OpenTelemetry names without an extension.
var samplerNames = []string{
	"always_on", "always_off", "traceidratio",
	"parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
}

func resolveSampler(getenv func(string) string, fail func(string, ...any)) Sampler {
	s := Sampler{Name: "parentbased_always_on", Arg: 1}
	if v := strings.ToLower(strings.TrimSpace(getenv(envSampler))); v != "" {
		known := false
		for _, n := range samplerNames {
			known = known || n == v
		}
		if !known {
			fail("%s: unknown sampler %q (want one of %s)", envSampler, v, strings.Join(samplerNames, ", "))
		} else {
			s.Name = v
		}
	}
	if raw := strings.TrimSpace(getenv(envSamplerArg)); raw != "" {
		ratio, err := strconv.ParseFloat(raw, 64)
		if err != nil || ratio < 0 || ratio > 1 {
			fail("%s: want a ratio between 0 and 1, got %q", envSamplerArg, raw)
		} else {
			s.Arg = ratio
		}
	}
	return s
}

// parseEndpoint accepts a URL, whose scheme decides TLS, or a bare
// host:port, which gets https, or http when insecure is set.
func parseEndpoint(endpoint string, insecure bool) (*url.URL, error) {
	if !strings.Contains(endpoint, "://") {
		scheme := "https"
		if insecure {
			scheme = "http"
		}
		endpoint = scheme + "://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("not a URL or host:port: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q has no host", endpoint)
	}
	return u, nil
}

func joinPath(base, p string) string {
	return strings.TrimRight(base, "/") + p
}

// SDK returns the sampler s names.
func (s Sampler) SDK() sdktrace.Sampler {
	switch s.Name {
	case "always_on":
		return sdktrace.AlwaysSample()
	case "always_off":
		return sdktrace.NeverSample()
	case "traceidratio":
		return sdktrace.TraceIDRatioBased(s.Arg)
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample())
	case "parentbased_traceidratio":
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(s.Arg))
	default:
		return sdktrace.ParentBased(sdktrace.AlwaysSample())
	}
}
