package exporttest

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	otellog "go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"
)

// Spans made with the plain OTel API leave the Go SDK redacted: no
// collector-side schema processor stands between them and the receiver.
func TestSpansLeaveRedacted(t *testing.T) {
	c, tel := startRedacting(t)
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
	shutdown(t, tel)

	var dump strings.Builder
	found := false
	eachSpan(c, func(s ptrace.Span) {
		if s.Name() != "checkout" {
			return
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
	})
	if !found {
		t.Fatal("the span never reached the receiver")
	}
	checkRedacted(t, "span", dump.String(), secrets...)
}

// eachSpan calls fn with every span the receiver got.
func eachSpan(c *collector, fn func(ptrace.Span)) {
	for _, td := range c.traces.AllTraces() {
		for _, rs := range td.ResourceSpans().All() {
			for _, ss := range rs.ScopeSpans().All() {
				for _, s := range ss.Spans().All() {
					fn(s)
				}
			}
		}
	}
}

func dumpMap(b *strings.Builder, m pcommon.Map) {
	m.Range(func(k string, v pcommon.Value) bool {
		b.WriteString(k + "=" + v.AsString() + "\n")
		return true
	})
}

// startRedacting starts Seam exporting to a receiver of its own, with no
// collector-side processor in between.
func startRedacting(t *testing.T) (*collector, *seam.Telemetry) {
	t.Helper()
	c := startCollector(t)
	tel, err := seam.Start(context.Background(), seam.Config{
		ServiceName: "pricing", Endpoint: "http://" + c.httpAddr, Protocol: seam.ProtocolHTTP,
		MetricInterval: time.Hour, LogWriter: io.Discard,
		RuntimeMetrics: seam.RuntimeMetricsConfig{Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, tel
}

// shutdown flushes everything tel holds to the receiver.
func shutdown(t *testing.T, tel *seam.Telemetry) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tel.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// checkRedacted fails the test if a secret is in dump, or no marker is.
func checkRedacted(t *testing.T, what, dump string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(dump, secret) {
			t.Errorf("%s: %q left the SDK in the clear:\n%s", what, secret, dump)
		}
	}
	if !strings.Contains(dump, "[REDACTED") {
		t.Errorf("%s: no redaction marker:\n%s", what, dump)
	}
}

// Span names and event names are scanned like values: a name built from a
// query or an error message can hold a secret.
func TestSpanAndEventNamesLeaveRedacted(t *testing.T) {
	c, tel := startRedacting(t)
	_, span := otel.Tracer("app").Start(context.Background(), "GET /reset?token=abc123")
	span.AddEvent("mail sent to alice@example.com")
	span.AddEvent("cache.miss")
	span.End()
	shutdown(t, tel)

	var names []string
	eachSpan(c, func(s ptrace.Span) {
		names = append(names, s.Name())
		for e := 0; e < s.Events().Len(); e++ {
			names = append(names, s.Events().At(e).Name())
		}
	})
	want := []string{"GET /reset?token=[REDACTED]", "mail sent to [REDACTED:email]", "cache.miss"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("exported names %q, want %q", names, want)
	}
}

// Metric points leave with their attributes redacted, whatever instrument
// recorded them.
func TestMetricAttributesLeaveRedacted(t *testing.T) {
	c, tel := startRedacting(t)
	counter, err := tel.MeterProvider().Meter("app").Int64Counter("app.db.queries")
	if err != nil {
		t.Fatal(err)
	}
	counter.Add(context.Background(), 1, metric.WithAttributes(
		attribute.String("db.query.text", "ALTER USER app PASSWORD = 'hunter2'"),
		attribute.String("db.connection_string", "postgres://app:s3cr3t@db/shop"),
		attribute.String("user.email", "alice@example.com"),
		attribute.StringSlice("owners", []string{"bob@example.com"}),
		attribute.String("db.system.name", "postgresql"),
	))
	shutdown(t, tel)

	var dump strings.Builder
	found := false
	for _, md := range c.metrics.AllMetrics() {
		for _, rm := range md.ResourceMetrics().All() {
			for _, sm := range rm.ScopeMetrics().All() {
				for _, m := range sm.Metrics().All() {
					if m.Name() != "app.db.queries" {
						continue
					}
					found = true
					for _, dp := range m.Sum().DataPoints().All() {
						dumpMap(&dump, dp.Attributes())
					}
				}
			}
		}
	}
	if !found {
		t.Fatal("the counter never reached the receiver")
	}
	checkRedacted(t, "metric point", dump.String(), "hunter2", "s3cr3t", "alice@example.com", "bob@example.com")
	if !strings.Contains(dump.String(), "db.system.name=postgresql") {
		t.Errorf("a harmless attribute changed:\n%s", dump.String())
	}
}

// A third-party bridge writing to tel.LoggerProvider() gets its records
// redacted as Seam's logger does: body, attributes (inside maps too) and
// event name.
func TestLoggerProviderRecordsLeaveRedacted(t *testing.T) {
	c, tel := startRedacting(t)
	var r otellog.Record
	r.SetEventName("login.failed for alice@example.com")
	r.SetBody(attribute.StringValue("password=hunter2 while dialing postgres://user:pw@host/db"))
	r.AddAttributes(
		attribute.String("db.password", "hunter2"),
		attribute.String("note", "Authorization: Bearer abc.def.ghi"),
		attribute.Map("request", attribute.String("api_key", "sk-live-777"), attribute.String("path", "/login")),
		attribute.Int("attempt", 3),
	)
	tel.LoggerProvider().Logger("thirdparty").Emit(context.Background(), r)
	shutdown(t, tel)

	var dump strings.Builder
	found := false
	for _, ld := range c.logs.AllLogs() {
		for _, rl := range ld.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				if sl.Scope().Name() != "thirdparty" {
					continue
				}
				for _, lr := range sl.LogRecords().All() {
					found = true
					dump.WriteString(lr.EventName() + "\n" + lr.Body().AsString() + "\n")
					dumpMap(&dump, lr.Attributes())
				}
			}
		}
	}
	if !found {
		t.Fatal("the record never reached the receiver")
	}
	checkRedacted(t, "log record", dump.String(), "hunter2", ":pw@", "abc.def.ghi", "sk-live-777", "alice@example.com")
	for _, kept := range []string{"attempt=3", `"path":"/login"`} {
		if !strings.Contains(dump.String(), kept) {
			t.Errorf("%s is missing:\n%s", kept, dump.String())
		}
	}
}
