package seamprom

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamtest"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// start runs Seam with the extension until the test ends.
func start(t *testing.T, cfg seam.Config, prom *Prometheus) {
	t.Helper()
	cfg.Extensions = append(cfg.Extensions, prom)
	seamtest.StartReceiving(t, cfg)
}

// The Prometheus handler serves the same instruments, units and buckets,
// under the names the Seam collector's exporter gives them.
func TestPrometheus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	prom := New(Config{Addr: addr})
	start(t, seam.Config{ServiceName: "pricing", LogWriter: io.Discard}, prom)
	seam.StartOperation(context.Background(), "checkout.price")(nil)

	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	// What Prometheus 2.42 asks for.
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := string(body)
	for _, want := range []string{
		`# HELP seam_operation_duration_seconds ` + semconv.SeamOperationDurationDescription,
		`# TYPE seam_operation_duration_seconds histogram`,
		`seam_operation="checkout.price"`,
		`le="1e-06"`, `le="0.0004"`, `le="30"`,
		`# TYPE go_memory_gc_pause_duration_seconds histogram`,
		`le="1e-06"`,
		`# TYPE seam_go_cgo_calls_total counter`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "otel_scope_") {
		t.Error("/metrics carries otel_scope_* labels, which the collector's exporter does not")
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("/metrics:\n%s", text)
	}
}

// The pull endpoint has the collector's label set on every series,
// negotiates OpenMetrics for exemplars, and keeps each exemplar within
// OpenMetrics' 128 runes however many attributes the schema's view drops.
func TestPrometheusLabelsAndExemplars(t *testing.T) {
	var lines bytes.Buffer
	prom := New(Config{})
	start(t, seam.Config{ServiceName: "pricing", LogWriter: &lines}, prom)
	ctx, span := otel.Tracer("t").Start(context.Background(), "request")
	h, err := otel.Meter("app").Float64Histogram(semconv.SeamOperationDurationName, metric.WithUnit(semconv.SeamOperationDurationUnit))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 60)
	h.Record(ctx, 0.002, metric.WithAttributes(
		attribute.String(string(semconv.SeamOperationKey), "checkout.price"),
		attribute.String("http.route", long), attribute.String("user.id", long), attribute.String("password", "hunter2"),
	))
	span.End()

	scrape := func(accept string) string {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		prom.Handler().ServeHTTP(w, req)
		return w.Body.String()
	}
	om := scrape("application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5")
	var exemplar string
	for _, l := range strings.Split(om, "\n") {
		if strings.HasPrefix(l, "seam_operation_duration_seconds_bucket{") && strings.Contains(l, " # {") {
			exemplar = l[strings.Index(l, " # {")+3:]
			exemplar = exemplar[:strings.Index(exemplar, "}")+1]
		}
	}
	if exemplar == "" {
		t.Fatalf("no exemplar in the OpenMetrics exposition:\n%s", om)
	}
	if want := span.SpanContext().TraceID().String(); !strings.Contains(exemplar, want) {
		t.Errorf("exemplar %s does not point at trace %s", exemplar, want)
	}
	if n := utf8.RuneCountInString(exemplar) - 2; n > 128 {
		t.Errorf("exemplar labels have %d runes: %s", n, exemplar)
	}
	if strings.Contains(om, "hunter2") || strings.Contains(lines.String(), "exemplar") {
		t.Errorf("a dropped attribute or an exemplar error leaked:\n%s\n%s", om, lines.String())
	}

	text := scrape("text/plain;version=0.0.4")
	for _, name := range []string{"seam_operation_duration_seconds_bucket", "go_goroutine_count"} {
		found := false
		for _, l := range strings.Split(text, "\n") {
			if strings.HasPrefix(l, name+"{") {
				found = true
				if !strings.Contains(l, `service_name="pricing"`) || !strings.Contains(l, `seam_impl="go"`) {
					t.Errorf("series lacks the collector's promoted labels: %s", l)
				}
			}
		}
		if !found {
			t.Errorf("no %s series:\n%s", name, text)
		}
	}
}

// A bad address is refused by seam.Start, named with the other problems.
func TestStartRefusesABadAddr(t *testing.T) {
	_, err := seam.Start(context.Background(), seam.Config{Extensions: []seam.Extension{New(Config{Addr: "9464"})}})
	if err == nil || !strings.Contains(err.Error(), "seamprom: Config.Addr") || !strings.Contains(err.Error(), "Config.ServiceName") {
		t.Errorf("error %v", err)
	}
}
