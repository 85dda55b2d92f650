package exporttest

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
)

// Spans made with the plain OTel API leave the Go SDK redacted: no
// collector-side schema processor stands between them and the receiver.
func TestSpansLeaveRedacted(t *testing.T) {
	c := startCollector(t)
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName: "pricing", Endpoint: "http://" + c.httpAddr, Protocol: seam.ProtocolHTTP,
		MetricInterval: time.Hour, LogWriter: io.Discard,
		RuntimeMetrics: seam.RuntimeMetricsConfig{Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"hunter2", "abc.def.ghi", "alice@example.com", "4111 1111 1111 1111", "sk-live-777"}
	_, span := otel.Tracer("app").Start(context.Background(), "checkout",
		trace.WithLinks(trace.Link{Attributes: []attribute.KeyValue{attribute.String("session_token", "sk-live-777")}}))
	span.SetAttributes(
		attribute.String("password", "hunter2"),
		attribute.String("http.request.header.authorization", "Bearer abc.def.ghi"),
		attribute.String("user.email", "alice@example.com"),
		attribute.String("card", "4111 1111 1111 1111"),
		attribute.StringSlice("notes", []string{"fine", "paid with 4111 1111 1111 1111"}),
		attribute.Int("basket.items", 3),
	)
	span.AddEvent("retry", trace.WithAttributes(attribute.String("api_key", "hunter2")))
	span.RecordError(errors.New("login failed with Bearer abc.def.ghi"))
	span.SetStatus(codes.Error, "charge of 4111 1111 1111 1111 refused")
	span.End()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	var dump strings.Builder
	found := false
	for _, td := range c.traces.AllTraces() {
		rss := td.ResourceSpans()
		for i := 0; i < rss.Len(); i++ {
			sss := rss.At(i).ScopeSpans()
			for j := 0; j < sss.Len(); j++ {
				spans := sss.At(j).Spans()
				for k := 0; k < spans.Len(); k++ {
					s := spans.At(k)
					if s.Name() != "checkout" {
						continue
					}
					found = true
					dumpMap(&dump, s.Attributes())
					for e := 0; e < s.Events().Len(); e++ {
						dumpMap(&dump, s.Events().At(e).Attributes())
					}
					for l := 0; l < s.Links().Len(); l++ {
						dumpMap(&dump, s.Links().At(l).Attributes())
					}
					dump.WriteString(s.Status().Message())
					if got := s.Attributes().AsRaw()["basket.items"]; got != int64(3) {
						t.Errorf("a harmless attribute changed: basket.items = %v", got)
					}
				}
			}
		}
	}
	if !found {
		t.Fatal("the span never reached the receiver")
	}
	for _, secret := range secrets {
		if strings.Contains(dump.String(), secret) {
			t.Errorf("%q left the SDK in the clear:\n%s", secret, dump.String())
		}
	}
	if !strings.Contains(dump.String(), "[REDACTED") {
		t.Errorf("no redaction marker in the exported span:\n%s", dump.String())
	}
}

func dumpMap(b *strings.Builder, m pcommon.Map) {
	m.Range(func(k string, v pcommon.Value) bool {
		b.WriteString(k + "=" + v.AsString() + "\n")
		return true
	})
}
