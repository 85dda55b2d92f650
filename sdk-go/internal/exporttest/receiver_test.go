package exporttest

import (
	"context"
	"net"
	"testing"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configgrpc"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// collector is the collector's OTLP receiver, listening for gRPC and
// OTLP/HTTP on loopback, feeding in-memory sinks.
type collector struct {
	grpcAddr, httpAddr string
	traces             *consumertest.TracesSink
	metrics            *consumertest.MetricsSink
	logs               *consumertest.LogsSink
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startCollector runs a receiver until the test ends. Logs go to logs if
// given, in place of the in-memory sink (for runs too long to keep them).
func startCollector(t *testing.T, logs ...consumer.Logs) *collector {
	t.Helper()
	c := &collector{
		grpcAddr: freeAddr(t),
		httpAddr: freeAddr(t),
		traces:   new(consumertest.TracesSink),
		metrics:  new(consumertest.MetricsSink),
		logs:     new(consumertest.LogsSink),
	}
	factory := otlpreceiver.NewFactory()
	cfg := factory.CreateDefaultConfig().(*otlpreceiver.Config)
	grpcCfg := configgrpc.NewDefaultServerConfig()
	grpcCfg.NetAddr.Endpoint = c.grpcAddr
	cfg.Protocols.GRPC = configoptional.Some(grpcCfg)
	httpCfg := confighttp.NewDefaultServerConfig()
	httpCfg.NetAddr.Endpoint = c.httpAddr
	cfg.Protocols.HTTP = configoptional.Some(otlpreceiver.HTTPConfig{
		ServerConfig:   httpCfg,
		TracesURLPath:  "/v1/traces",
		MetricsURLPath: "/v1/metrics",
		LogsURLPath:    "/v1/logs",
	})

	ctx := context.Background()
	set := receivertest.NewNopSettings(factory.Type())
	tr, err := factory.CreateTraces(ctx, set, cfg, c.traces)
	if err != nil {
		t.Fatal(err)
	}
	mr, err := factory.CreateMetrics(ctx, set, cfg, c.metrics)
	if err != nil {
		t.Fatal(err)
	}
	var logSink consumer.Logs = c.logs
	if len(logs) > 0 {
		logSink = logs[0]
	}
	lr, err := factory.CreateLogs(ctx, set, cfg, logSink)
	if err != nil {
		t.Fatal(err)
	}
	// The three share one server (the factory keys it by cfg); each still
	// needs its Start and Shutdown.
	host := componenttest.NewNopHost()
	for _, r := range []component.Component{tr, mr, lr} {
		if err := r.Start(ctx, host); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, r := range []component.Component{tr, mr, lr} {
			if err := r.Shutdown(ctx); err != nil {
				t.Error(err)
			}
		}
	})
	return c
}
