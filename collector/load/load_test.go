package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/collector/internal/loaddata"
)

// TestHarnessSmoke runs every Seam case of the harness for a moment against
// a seam-collector built from this checkout: each must move items and
// report CPU and RSS, and the report must be a table per signal with a
// figure in every cell. The upstream cases need `make bench-collector`'s
// OCB build, which the suite does not make.
func TestHarnessSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the collector")
	}
	// make test builds bin/seam-collector first and names it here.
	bin := os.Getenv("SEAM_COLLECTOR_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "seam-collector")
		build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
		build.Dir = filepath.Join("..", "cmd", "seam-collector")
		build.Env = append(os.Environ(), "GOWORK=off")
		out, err := build.CombinedOutput()
		require.NoError(t, err, "building seam-collector:\n%s", out)
	}

	o := options{seam: bin, workers: 2, items: 100, duration: 700 * time.Millisecond, warmup: 200 * time.Millisecond, rounds: 1, signals: []string{"traces", "metrics", "logs"}}
	require.NoError(t, o.validate())
	results, err := run(context.Background(), o, testWriter{t})
	require.NoError(t, err)
	require.Len(t, results, 9, "passthrough, conformant and foreign for three signals")
	for _, r := range results {
		m := r.Rounds[0]
		require.Positive(t, m.Items, "%s %s %s moved nothing", r.Signal, r.Variant.Name, r.KindStr)
		require.Positive(t, m.PeakRSS, "%s %s %s", r.Signal, r.Variant.Name, r.KindStr)
		require.Positive(t, m.Throughput, "%s %s %s", r.Signal, r.Variant.Name, r.KindStr)
	}
	b, err := json.Marshal(results)
	require.NoError(t, err)
	require.True(t, json.Valid(b))

	var report bytes.Buffer
	printReport(&report, o, results)
	rows := 0
	for line := range strings.Lines(report.String()) {
		if !strings.HasPrefix(line, "| seam") {
			continue
		}
		rows++
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		require.GreaterOrEqual(t, len(cells), 7, line)
		for _, i := range []int{2, 3, 5, 6} {
			v, err := strconv.ParseFloat(strings.TrimSpace(cells[i]), 64)
			require.NoError(t, err, "cell %d of %q", i, line)
			require.Positive(t, v, "cell %d of %q", i, line)
		}
	}
	require.Equal(t, 9, rows, report.String())
}

// TestForeignBatchesNeedFixes guards the harness's premise: the foreign
// batches carry every spelling the upstream configuration renames, and the
// conformant ones none.
func TestForeignBatchesNeedFixes(t *testing.T) {
	foreign := loaddata.Traces(loaddata.Foreign, 1).ResourceSpans().At(0)
	conformant := loaddata.Traces(loaddata.Conformant, 1).ResourceSpans().At(0)
	for _, r := range loaddata.ResourceRenames {
		_, ok := foreign.Resource().Attributes().Get(r.From)
		require.True(t, ok, r.From)
		_, ok = conformant.Resource().Attributes().Get(r.From)
		require.False(t, ok, r.From)
	}
	span := foreign.ScopeSpans().At(0).Spans().At(0).Attributes()
	for _, r := range loaddata.AttributeRenames {
		_, ok := span.Get(r.From)
		require.True(t, ok, r.From)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
