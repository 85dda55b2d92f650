package pipeline

import (
	"net/url"
	"testing"
)

func TestEncodedLogsConfigLeavesToTheSDKWhatOnlyItDoes(t *testing.T) {
	endpoint, _ := url.Parse("http://127.0.0.1:4318/v1/logs")
	c := OTLP{Protocol: ProtocolHTTP, Headers: map[string]string{"k": "v"}}
	c.Endpoints[Logs] = endpoint
	for _, tc := range []struct {
		name     string
		protocol string
		env      map[string]string
		want     bool
		gzip     bool
	}{
		{name: "plain OTLP/HTTP", protocol: ProtocolHTTP, want: true},
		{name: "gzip", protocol: ProtocolHTTP, env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"}, want: true, gzip: true},
		{name: "the logs' own compression first", protocol: ProtocolHTTP, env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "gzip", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION": "none"}, want: true},
		{name: "an unknown compression", protocol: ProtocolHTTP, env: map[string]string{"OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"}},
		{name: "OTLP/gRPC", protocol: ProtocolGRPC},
		{name: "a CA certificate", protocol: ProtocolHTTP, env: map[string]string{"OTEL_EXPORTER_OTLP_CERTIFICATE": "/ca.pem"}},
		{name: "a client key for logs", protocol: ProtocolHTTP, env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY": "/key.pem"}},
		{name: "an attribute count limit", protocol: ProtocolHTTP, env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT": "16"}},
		{name: "an attribute value length limit", protocol: ProtocolHTTP, env: map[string]string{"OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT": "64"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Protocol = tc.protocol
			hc, ok := EncodedLogsConfig(c, func(k string) string { return tc.env[k] })
			if ok != tc.want {
				t.Fatalf("encoded path %v, want %v", ok, tc.want)
			}
			if ok && (hc.URL != endpoint.String() || hc.Headers["k"] != "v" || hc.Gzip != tc.gzip) {
				t.Errorf("config %+v; want %s, the headers, gzip %v", hc, endpoint, tc.gzip)
			}
		})
	}
}
