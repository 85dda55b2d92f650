package seam

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// An invalid Config is refused with an error naming every field at fault.
func TestResolveNamesTheField(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  Config
		env  map[string]string
		want []string
	}{
		{"no service name", Config{}, nil, []string{"Config.ServiceName: required (or set OTEL_SERVICE_NAME)"}},
		{"protocol", Config{ServiceName: "s", Protocol: "udp"}, nil, []string{`Config.Protocol: unknown protocol "udp"`}},
		{"protocol from env", Config{ServiceName: "s"}, map[string]string{envProtocol: "http/json"}, []string{`OTEL_EXPORTER_OTLP_PROTOCOL: unknown protocol "http/json"`}},
		{"endpoint", Config{ServiceName: "s", Endpoint: "ftp://x:1"}, nil, []string{`Config.Endpoint: scheme "ftp"`}},
		{"endpoint from env", Config{ServiceName: "s"}, map[string]string{envEndpoint: "http://"}, []string{"OTEL_EXPORTER_OTLP_ENDPOINT:"}},
		{"negative timeout", Config{ServiceName: "s", ExportTimeout: -time.Second}, nil, []string{"Config.ExportTimeout: must not be negative"}},
		{"bad interval env", Config{ServiceName: "s"}, map[string]string{envMetricInterval: "soon"}, []string{`OTEL_METRIC_EXPORT_INTERVAL: want a positive number of milliseconds, got "soon"`}},
		{"queue size", Config{ServiceName: "s", QueueSize: -1}, nil, []string{"Config.QueueSize: must not be negative"}},
		{"disabled env", Config{ServiceName: "s"}, map[string]string{envSDKDisabled: "yes"}, []string{`OTEL_SDK_DISABLED: want true or false, got "yes"`}},
		{"exporter env", Config{ServiceName: "s"}, map[string]string{envTracesExporter: "zipkin"}, []string{`OTEL_TRACES_EXPORTER: unsupported exporter "zipkin"`}},
		{"log level env", Config{ServiceName: "s"}, map[string]string{envSeamLogLevel: "loud"}, []string{`SEAM_LOG_LEVEL: unknown level "loud"`}},
		{"nil handler", Config{ServiceName: "s", LogHandlers: []slog.Handler{nil}}, nil, []string{"Config.LogHandlers[0]: nil handler"}},
		{"nil reader", Config{ServiceName: "s", MetricReaders: []sdkmetric.Reader{nil}}, nil, []string{"Config.MetricReaders[0]: nil reader"}},
		{"runtime interval", Config{ServiceName: "s", RuntimeMetrics: RuntimeMetricsConfig{Interval: -1}}, nil, []string{"Config.RuntimeMetrics.Interval"}},
		{"profiling address", Config{ServiceName: "s", Profiling: &ProfilingConfig{}}, nil, []string{"Config.Profiling.ServerAddress: required"}},
		{"profiling URL", Config{ServiceName: "s", Profiling: &ProfilingConfig{ServerAddress: "pyroscope"}}, nil, []string{"Config.Profiling.ServerAddress: want a URL"}},
		{"prometheus addr", Config{ServiceName: "s", Prometheus: &PrometheusConfig{Addr: "9464"}}, nil, []string{"Config.Prometheus.Addr:"}},
		{"several at once", Config{Protocol: "udp", QueueSize: -1}, nil, []string{"Config.ServiceName", "Config.Protocol", "Config.QueueSize"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := resolve(c.cfg, env(c.env))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// Start itself refuses an invalid Config before touching anything global.
func TestStartRejectsInvalidConfig(t *testing.T) {
	t.Setenv(envServiceName, "")
	t.Setenv(envResourceAttrs, "")
	tel, err := Start(context.Background(), Config{Protocol: "carrier-pigeon"})
	if err == nil || tel != nil {
		t.Fatalf("Start = %v, %v", tel, err)
	}
	if !strings.Contains(err.Error(), "Config.ServiceName") || !strings.Contains(err.Error(), "Config.Protocol") {
		t.Errorf("error %q does not name both fields", err)
	}
}

// Config fields win over the environment, which wins over defaults.
func TestResolvePrecedence(t *testing.T) {
	vars := map[string]string{
		envServiceName:                     "from-env",
		envEndpoint:                        "http://collector:4317",
		envProtocol:                        "http/protobuf",
		envTimeout:                         "2500",
		envMetricInterval:                  "1000",
		envSpanQueueSize:                   "100",
		envLogQueueSize:                    "200",
		envSeamLogLevel:                    "trace",
		envSDKDisabled:                     "false",
		envMetricsExporter:                 "none",
		"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "http://logs:4318/v1/logs",
	}
	s, err := resolve(Config{}, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if s.serviceName != "from-env" || s.protocol != ProtocolHTTP || s.endpoint.String() != "http://collector:4317" ||
		s.exportTimeout != 2500*time.Millisecond || s.metricInterval != time.Second ||
		s.spans.queueSize != 100 || s.logs.queueSize != 200 || s.logLevel.Level() != LevelTrace {
		t.Errorf("env not applied: %+v", s)
	}
	if s.exportEnabled[signalMetrics] || !s.exportEnabled[signalTraces] {
		t.Errorf("OTEL_METRICS_EXPORTER=none not applied: %v", s.exportEnabled)
	}
	if !s.useSignalEnv[signalLogs] || s.endpointURL(signalLogs) != "" || s.endpointURL(signalTraces) != "http://collector:4317/v1/traces" {
		t.Errorf("per-signal endpoints: logs %q traces %q", s.endpointURL(signalLogs), s.endpointURL(signalTraces))
	}

	s, err = resolve(Config{
		ServiceName: "from-config", Endpoint: "collector.internal:4317", Insecure: true, Protocol: ProtocolGRPC,
		ExportTimeout: time.Second, QueueSize: 10, LogLevel: slog.LevelWarn,
	}, env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if s.serviceName != "from-config" || s.protocol != ProtocolGRPC || s.endpoint.String() != "http://collector.internal:4317" ||
		s.exportTimeout != time.Second || s.spans.queueSize != 10 || s.logs.queueSize != 10 || s.logLevel.Level() != slog.LevelWarn {
		t.Errorf("Config did not win: %+v", s)
	}
	// A Config endpoint is for every signal, per-signal env or not.
	if s.useSignalEnv[signalLogs] {
		t.Error("per-signal env overrode Config.Endpoint")
	}
}

func TestResolveDefaults(t *testing.T) {
	s, err := resolve(Config{ServiceName: "s"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s.protocol != ProtocolGRPC || s.endpoint.String() != defaultGRPCEndpoint || s.exportTimeout != 10*time.Second ||
		s.metricInterval != time.Minute || s.spans.queueSize != 2048 || s.spans.batchSize != 512 ||
		s.logLevel.Level() != slog.LevelInfo || s.runtime.Interval != 15*time.Second || s.disabled {
		t.Errorf("defaults: %+v", s)
	}
	s, _ = resolve(Config{ServiceName: "s", Protocol: ProtocolHTTP, Endpoint: "collector:4318"}, env(nil))
	if got := s.endpointURL(signalMetrics); got != "https://collector:4318/v1/metrics" {
		t.Errorf("host:port without Insecure should use TLS: %s", got)
	}
	s, _ = resolve(Config{}, env(map[string]string{envResourceAttrs: "team=a,service.name=check%20out"}))
	if s.serviceName != "check out" {
		t.Errorf("service.name from OTEL_RESOURCE_ATTRIBUTES: %q", s.serviceName)
	}
}

func TestParseLevel(t *testing.T) {
	for name, want := range map[string]slog.Level{
		"TRACE": LevelTrace, "debug": slog.LevelDebug, "Info": slog.LevelInfo, "WARN": slog.LevelWarn, "error": slog.LevelError,
	} {
		if got, err := ParseLevel(name); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", name, got, err)
		}
	}
	for l, want := range map[slog.Level]string{
		LevelTrace: "TRACE", LevelTrace - 4: "TRACE", slog.LevelDebug: "DEBUG", slog.LevelInfo + 2: "INFO",
		slog.LevelWarn: "WARN", slog.LevelError + 10: "ERROR",
	} {
		if got := levelName(l); got != want {
			t.Errorf("levelName(%v) = %q, want %q", l, got, want)
		}
	}
}

// OTEL_SDK_DISABLED turns the OpenTelemetry SDK off; the canonical log
// line is still written and operations still run.
func TestDisabledByEnv(t *testing.T) {
	t.Setenv(envSDKDisabled, "true")
	var out strings.Builder
	tel := startForTest(t, Config{ServiceName: "pricing", LogWriter: &out})
	if tel.traceProvider != nil || tel.meterProvider != nil || tel.logProvider != nil {
		t.Error("an SDK provider was created while disabled")
	}
	if err := Measure(context.Background(), "checkout.price", func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	tel.Logger().Info("still logging")
	if !strings.Contains(out.String(), `"msg":"still logging"`) {
		t.Errorf("no log line while disabled: %q", out.String())
	}
}
