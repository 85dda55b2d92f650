package pipelinetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	seam "github.com/seamtel/seam/sdk-go"

	"github.com/seamtel/seam/internal/leakcorpus"
)

// leakSeed fixes the corpus; SECURITY.md's figures are this seed's.
const leakSeed = 20261202

// leakPerClass cases of each secret class (13) and each clean class (7).
const leakPerClass = 80

// The three ways into the collector, by the service name each sends as.
var leakPaths = []string{"leak-go", "leak-rust", "leak-otlp"}

// TestLeakRate sends a generated corpus of secrets in log lines, span
// names, event names, status messages and attributes through the Go SDK,
// the Rust SDK and raw OTLP/JSON into the collector in enforce mode, then
// scans every sink: both SDKs' JSON lines, the collector's OTLP captures
// of each signal and seam_prometheus's /metrics. It fails on any secret
// that arrives anywhere, on any clean id or timestamp altered, and on any
// log or span case that does not arrive (an absent record proves nothing).
func TestLeakRate(t *testing.T) {
	corpus := leakcorpus.Generate(leakSeed, leakPerClass)
	require.NoError(t, leakEmitterErr)
	c := startCollector(t, func(r *running) {
		r.MetricsFile, r.MaxBodyBytes, r.MaxRecvMiB = true, 16<<20, 16
	})
	corpusPath := filepath.Join(t.TempDir(), "corpus.json")
	require.NoError(t, corpus.WriteFile(corpusPath))

	sinks := []*leakSink{
		{name: "Go SDK JSON lines", path: "leak-go", text: emitGoSDK(t, c, corpus)},
		{name: "Rust SDK JSON lines", path: "leak-rust", text: emitRustSDK(t, c, leakEmitter, corpusPath)},
	}
	emitRawOTLP(t, c, corpus)
	captures := waitForCaptures(t, c, corpus)
	sinks = append(sinks, captures...)
	metricsText := scrapeText(t, c.Prometheus)
	sinks = append(sinks, &leakSink{name: "seam_prometheus /metrics", text: metricsText})

	res := scanLeaks(corpus, sinks)
	t.Logf("corpus seed %d: %d secrets in %d classes, %d clean cases; %d sinks",
		leakSeed, len(corpus.Secrets), len(corpus.Secrets)/leakPerClass, len(corpus.Clean), len(sinks))
	t.Logf("redacted: %d of %d secrets (%.2f%%), each absent from every sink; %d of their placements must arrive, and did",
		len(corpus.Secrets)-res.secretsLeaked, len(corpus.Secrets),
		100*float64(len(corpus.Secrets)-res.secretsLeaked)/float64(len(corpus.Secrets)), res.placements-len(res.missing))
	t.Logf("false positives: %d of %d clean tokens altered (%.2f%%)", res.tokensAltered, res.tokens,
		100*float64(res.tokensAltered)/float64(max(res.tokens, 1)))
	for _, s := range sinks {
		t.Logf("  %-45s %6d records, %8d bytes", s.name, len(s.records), len(s.text))
	}
	// Both SDKs redact each log case's text alike: one engine behaviour on
	// generated inputs, not only on the shared vectors.
	goFields, rustFields := lineFields(t, sinks[0].text), lineFields(t, sinks[1].text)
	compared := 0
	for _, k := range corpus.Cases() {
		field := "msg"
		switch {
		case k.Place == leakcorpus.LogAttribute && k.Key != "message":
			// (tracing's events keep a field named message in msg, after
			// the event's text.)
			field = k.Key
		case k.Place == leakcorpus.LogBody:
		default:
			continue
		}
		g, r := goFields[k.ID][field], rustFields[k.ID][field]
		if g == "" || g != r {
			t.Errorf("%s %s: the Go SDK wrote %s=%q, the Rust SDK %q", k.ID, k.Class, field, g, r)
		}
		compared++
	}
	t.Logf("  the Go and Rust JSON lines agree on %d log cases", compared)

	// Spans leave the collector alike whichever way they came in: the Go
	// SDK, the Rust SDK, or raw OTLP that only the collector redacted.
	traces := map[string]*leakSink{}
	for _, s := range sinks {
		if strings.HasPrefix(s.name, "collector traces capture of ") {
			traces[s.path] = s
		}
	}
	spans := 0
	for _, k := range corpus.Cases() {
		if !traces["leak-otlp"].carries(k) {
			continue
		}
		want := strings.Join(traces["leak-otlp"].records[k.ID], "\n")
		for _, path := range []string{"leak-go", "leak-rust"} {
			if got := strings.Join(traces[path].records[k.ID], "\n"); got != want {
				t.Errorf("%s %s (%s): %s's span left as %q, raw OTLP's as %q", k.ID, k.Class, k.Place, path, got, want)
			}
		}
		spans++
	}
	t.Logf("  spans from both SDKs and raw OTLP leave the collector alike: %d cases", spans)
	series := 0
	for _, line := range strings.Split(metricsText, "\n") {
		if strings.HasPrefix(line, "app_leak_cases") {
			series++
		}
	}
	t.Logf("  /metrics holds %d series of the corpus's counter", series)
	require.Positive(t, series, "the corpus's metric attributes never reached /metrics")
	for _, list := range [][]string{res.leaks, res.altered, res.missing} {
		sort.Strings(list)
		for i, l := range list {
			if i == 20 {
				t.Errorf("... and %d more", len(list)-20)
				break
			}
			t.Error(l)
		}
	}
}

// A secret in the clear, a clean token altered and a record that never
// arrived are each found: the scan itself cannot pass a leak.
func TestLeakScanFindsWhatItLooksFor(t *testing.T) {
	corpus := leakcorpus.Generate(leakSeed, 1)
	var secret, clean leakcorpus.Case
	for _, k := range corpus.Secrets {
		if k.Place == leakcorpus.LogBody {
			secret = k
		}
	}
	for _, k := range corpus.Clean {
		if k.Place == leakcorpus.LogBody {
			clean = k
		}
	}
	line := func(k leakcorpus.Case, text string) string {
		return fmt.Sprintf(`{"msg":%q,"%s":"%s"}`, text, leakcorpus.CaseKey, k.ID)
	}
	sinks := []*leakSink{{name: "JSON lines", path: "p", text: line(secret, secret.Text) + "\n" + line(clean, "altered")}}
	res := scanLeaks(leakcorpus.Corpus{Secrets: []leakcorpus.Case{secret}, Clean: []leakcorpus.Case{clean}}, sinks)
	require.Equal(t, 1, res.secretsLeaked, "the secret in the clear")
	require.Equal(t, len(clean.Tokens), res.tokensAltered, "the altered tokens")
	require.Empty(t, res.missing)

	res = scanLeaks(corpus, []*leakSink{{name: "JSON lines", path: "p"}})
	require.NotEmpty(t, res.missing, "records that never arrived")
}

// leakScan is what a scan of the sinks found.
type leakScan struct {
	secretsLeaked, tokens, tokensAltered, placements int
	leaks, altered, missing                          []string
}

// scanLeaks looks for every secret's needles in every sink, and for every
// clean token in each record of its case wherever the case must arrive.
func scanLeaks(corpus leakcorpus.Corpus, sinks []*leakSink) leakScan {
	var res leakScan
	for _, s := range sinks {
		s.index()
	}
	for _, k := range corpus.Secrets {
		leaked := false
		for _, s := range sinks {
			for _, needle := range k.Secrets {
				if strings.Contains(s.text, needle) {
					leaked = true
					res.leaks = append(res.leaks, fmt.Sprintf("%s %s (%s) in %s: %q", k.ID, k.Class, k.Place, s.name, needle))
				}
			}
		}
		if leaked {
			res.secretsLeaked++
		}
	}
	for _, k := range corpus.Cases() {
		for _, s := range sinks {
			if !s.carries(k) {
				continue
			}
			if len(k.Secrets) > 0 {
				res.placements++
			}
			recs := s.records[k.ID]
			if len(recs) == 0 {
				res.missing = append(res.missing, fmt.Sprintf("%s %s (%s) not in %s", k.ID, k.Class, k.Place, s.name))
				continue
			}
			for _, tok := range k.Tokens {
				res.tokens++
				if !strings.Contains(strings.Join(recs, "\n"), tok) {
					res.tokensAltered++
					res.altered = append(res.altered, fmt.Sprintf("%s %s (%s) in %s: %q lost from %q", k.ID, k.Class, k.Place, s.name, tok, recs))
				}
			}
		}
	}
	return res
}

// leakSink is one place telemetry ends up, as text, and the records in it
// by case ID.
type leakSink struct {
	name string
	// path is the one service whose records the sink holds; empty for
	// /metrics, whose series the leak test only scans.
	path string
	text string
	// parts are the sink's decoded records, each with its case ID, when
	// the text is not itself one record per line.
	parts   []leakRecord
	records map[string][]string
}

type leakRecord struct{ id, text string }

var caseInLine = regexp.MustCompile(`"` + regexp.QuoteMeta(leakcorpus.CaseKey) + `":"([sc][0-9]{5})"`)

func (s *leakSink) index() {
	s.records = map[string][]string{}
	if s.parts == nil {
		for _, line := range strings.Split(s.text, "\n") {
			if m := caseInLine.FindStringSubmatch(line); m != nil {
				s.records[m[1]] = append(s.records[m[1]], line)
			}
		}
		return
	}
	for _, p := range s.parts {
		s.records[p.id] = append(s.records[p.id], p.text)
	}
}

// carries says whether case k must arrive in the sink: JSON lines and
// log captures hold the log cases, trace captures the span ones, metric
// captures the metric ones; /metrics and the raw files are only scanned.
func (s *leakSink) carries(k leakcorpus.Case) bool {
	if s.path == "" {
		return false
	}
	switch k.Place {
	case leakcorpus.LogBody, leakcorpus.LogAttribute:
		return strings.HasSuffix(s.name, "JSON lines") || strings.Contains(s.name, "logs capture")
	case leakcorpus.MetricAttribute:
		return strings.Contains(s.name, "metrics capture")
	}
	return strings.Contains(s.name, "traces capture")
}

// lineFields decodes JSON lines into each case's string fields.
func lineFields(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var fields map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &fields), line)
		id, _ := fields[leakcorpus.CaseKey].(string)
		if id == "" {
			continue
		}
		m := map[string]string{}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				m[k] = s
			}
		}
		out[id] = m
	}
	return out
}

func scrapeText(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// emitGoSDK sends the corpus through the Go SDK's logger, tracer and meter
// and returns its JSON lines.
func emitGoSDK(t *testing.T, c *running, corpus leakcorpus.Corpus) string {
	t.Helper()
	ctx := context.Background()
	var lines bytes.Buffer
	tel, err := seam.Start(ctx, seam.Config{
		ServiceName: "leak-go", Endpoint: c.OTLPGRPC, Protocol: seam.ProtocolGRPC, Insecure: true,
		MetricInterval: time.Hour, LogWriter: &lines,
	})
	require.NoError(t, err)
	shut := false
	t.Cleanup(func() {
		if !shut {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = tel.Shutdown(ctx)
		}
	})
	logger := tel.Logger()
	tracer := tel.TracerProvider().Tracer("leak")
	counter, err := tel.MeterProvider().Meter("leak").Int64Counter("app.leak.cases")
	require.NoError(t, err)
	for _, k := range corpus.Cases() {
		tag := attribute.String(leakcorpus.CaseKey, k.ID)
		switch k.Place {
		case leakcorpus.LogBody:
			logger.InfoContext(ctx, k.Text, leakcorpus.CaseKey, k.ID)
		case leakcorpus.LogAttribute:
			logger.InfoContext(ctx, "request failed", leakcorpus.CaseKey, k.ID, k.Key, k.Text)
		case leakcorpus.SpanName:
			_, span := tracer.Start(ctx, k.Text, trace.WithAttributes(tag))
			span.End()
		case leakcorpus.SpanAttribute:
			_, span := tracer.Start(ctx, "leak.attribute", trace.WithAttributes(tag, attribute.String(k.Key, k.Text)))
			span.End()
		case leakcorpus.EventName:
			_, span := tracer.Start(ctx, "leak.event", trace.WithAttributes(tag))
			span.AddEvent(k.Text)
			span.End()
		case leakcorpus.StatusMessage:
			_, span := tracer.Start(ctx, "leak.status", trace.WithAttributes(tag))
			span.SetStatus(codes.Error, k.Text)
			span.End()
		case leakcorpus.MetricAttribute:
			counter.Add(ctx, 1, metric.WithAttributes(tag, attribute.String(k.Key, k.Text)))
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	shut = true
	require.NoError(t, tel.Shutdown(sctx))
	return lines.String()
}

// buildLeakEmitter builds sdk-rust's leak_corpus example (all features,
// dev profile: the dependencies `cargo test --all-features` compiles too).
// TestMain calls it, so a cold build counts against no test's timeout.
// SEAM_LEAK_EMITTER points at a prebuilt binary instead.
func buildLeakEmitter() (string, error) {
	if bin := os.Getenv("SEAM_LEAK_EMITTER"); bin != "" {
		return bin, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "sdk-rust")
	cmd := exec.Command("cargo", "build", "--locked", "--all-features", "--example", "leak_corpus")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("cargo build --example leak_corpus: %v\n%s", err, out)
	}
	target := os.Getenv("CARGO_TARGET_DIR")
	if target == "" {
		target = filepath.Join(dir, "target")
	} else if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	return filepath.Join(target, "debug", "examples", "leak_corpus"), nil
}

// emitRustSDK runs the Rust emitter over the corpus file against the
// collector's OTLP/HTTP receiver and returns the JSON lines it printed.
func emitRustSDK(t *testing.T, c *running, bin, corpusPath string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, corpusPath, "http://"+c.OTLPHTTP)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "leak_corpus: %s", stderr.String())
	return stdout.String()
}
