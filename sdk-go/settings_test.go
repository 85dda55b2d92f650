package seam

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/seamtel/seam/sdk-go/internal/pipeline"
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
		{"protocol from env", Config{ServiceName: "s"}, map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, []string{`OTEL_EXPORTER_OTLP_PROTOCOL: unknown protocol "http/json"`}},
		{"endpoint", Config{ServiceName: "s", Endpoint: "ftp://x:1"}, nil, []string{`Config.Endpoint: scheme "ftp"`}},
		{"endpoint from env", Config{ServiceName: "s"}, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://"}, []string{"OTEL_EXPORTER_OTLP_ENDPOINT:"}},
		{"negative timeout", Config{ServiceName: "s", ExportTimeout: -time.Second}, nil, []string{"Config.ExportTimeout: must not be negative"}},
		{"bad interval env", Config{ServiceName: "s"}, map[string]string{"OTEL_METRIC_EXPORT_INTERVAL": "soon"}, []string{`OTEL_METRIC_EXPORT_INTERVAL: want a positive number of milliseconds, got "soon"`}},
		{"queue size", Config{ServiceName: "s", QueueSize: -1}, nil, []string{"Config.QueueSize: must not be negative"}},
		{"disabled env", Config{ServiceName: "s"}, map[string]string{"OTEL_SDK_DISABLED": "yes"}, []string{`OTEL_SDK_DISABLED: want true or false, got "yes"`}},
		{"exporter env", Config{ServiceName: "s"}, map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, []string{`OTEL_TRACES_EXPORTER: unsupported exporter "zipkin"`}},
		{"log level env", Config{ServiceName: "s"}, map[string]string{"SEAM_LOG_LEVEL": "loud"}, []string{`SEAM_LOG_LEVEL: unknown level "loud"`}},
		{"nil handler", Config{ServiceName: "s", LogHandlers: []slog.Handler{nil}}, nil, []string{"Config.LogHandlers[0]: nil handler"}},
		{"nil reader", Config{ServiceName: "s", MetricReaders: []sdkmetric.Reader{nil}}, nil, []string{"Config.MetricReaders[0]: nil reader"}},
		{"runtime interval", Config{ServiceName: "s", RuntimeMetrics: RuntimeMetricsConfig{Interval: -1}}, nil, []string{"Config.RuntimeMetrics.Interval"}},
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
	t.Setenv("OTEL_SERVICE_NAME", "")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "")
	tel, err := Start(context.Background(), Config{Protocol: "carrier-pigeon"})
	if err == nil || tel != nil {
		t.Fatalf("Start = %v, %v", tel, err)
	}
	if !strings.Contains(err.Error(), "Config.ServiceName") || !strings.Contains(err.Error(), "Config.Protocol") {
		t.Errorf("error %q does not name both fields", err)
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
	if LevelTrace != -8 {
		t.Errorf("LevelTrace = %d, its comment says -8", LevelTrace)
	}
}

// OTEL_SDK_DISABLED turns the OpenTelemetry SDK off; the canonical log
// line is still written and operations still run.
func TestDisabledByEnv(t *testing.T) {
	t.Setenv("OTEL_SDK_DISABLED", "true")
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

// The exporters are chosen by the internal spelling of the protocols,
// which must be the public one.
func TestProtocolNames(t *testing.T) {
	if string(ProtocolGRPC) != pipeline.ProtocolGRPC || string(ProtocolHTTP) != pipeline.ProtocolHTTP {
		t.Errorf("Protocol constants %q, %q; the pipeline's %q, %q", ProtocolGRPC, ProtocolHTTP, pipeline.ProtocolGRPC, pipeline.ProtocolHTTP)
	}
}

type nopExtension struct{ name string }

func (nopExtension) Shutdown(context.Context) error { return nil }

// Every Config field reaches the resolver: the test sets each, and each
// must arrive unchanged in the resolver's field of the same name.
func TestConfigReachesTheResolver(t *testing.T) {
	cfg := Config{
		ServiceName: "s", ServiceVersion: "1.2.3", Environment: "prod",
		ResourceAttributes: []attribute.KeyValue{attribute.String("k", "v")},
		Endpoint:           "http://collector:4317", Protocol: ProtocolGRPC, Insecure: true,
		Headers:       map[string]string{"h": "v"},
		ExportTimeout: time.Second, MetricInterval: time.Minute, QueueSize: 3, Disabled: true,
		LogLevel: slog.LevelWarn, LogWriter: io.Discard, LogHandlers: []slog.Handler{slog.DiscardHandler},
		SlogDefault: true, OTelLogger: true,
		RuntimeMetrics: RuntimeMetricsConfig{Disabled: true, Interval: time.Second},
		Extensions:     []Extension{nopExtension{"a"}, nil},
		MetricReaders:  []sdkmetric.Reader{sdkmetric.NewManualReader()},
	}
	src, dst := reflect.ValueOf(cfg), reflect.ValueOf(resolverConfig(cfg))
	if src.NumField() != dst.NumField() {
		t.Errorf("Config has %d fields, the resolver's Config %d", src.NumField(), dst.NumField())
	}
	for i := range src.NumField() {
		name := src.Type().Field(i).Name
		from, to := src.Field(i), dst.FieldByName(name)
		switch {
		case from.IsZero():
			t.Errorf("the test sets no Config.%s", name)
		case !to.IsValid():
			t.Errorf("the resolver's Config has no %s", name)
		case from.Type().ConvertibleTo(to.Type()):
			if !reflect.DeepEqual(from.Convert(to.Type()).Interface(), to.Interface()) {
				t.Errorf("Config.%s = %v reached the resolver as %v", name, from, to)
			}
		default: // a slice of interfaces: element by element
			same := from.Len() == to.Len()
			for j := 0; same && j < from.Len(); j++ {
				same = from.Index(j).Interface() == to.Index(j).Interface()
			}
			if !same {
				t.Errorf("Config.%s = %v reached the resolver as %v", name, from, to)
			}
		}
	}
}
