package codegen

import (
	"github.com/seamtel/seam/schema"

	"strconv"
	"strings"
	"testing"

	"github.com/seamtel/seam/internal/registry"
)

func resolved(t *testing.T) *schema.Registry {
	t.Helper()
	r, findings, err := registry.LoadResolved("../../schema")
	if err != nil || len(findings) > 0 {
		t.Fatalf("schema: %v %v", err, findings)
	}
	return r
}

// The committed outputs are exactly what the schema generates.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	files, err := Outputs(resolved(t))
	if err != nil {
		t.Fatal(err)
	}
	if stale := Drift("../..", files); len(stale) > 0 {
		t.Fatal(DriftError(stale))
	}
}

func TestOutputsAreDeterministic(t *testing.T) {
	a, err := Outputs(resolved(t))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Outputs(resolved(t))
	for i := range a {
		if string(a[i].Content) != string(b[i].Content) {
			t.Errorf("%s differs between two runs", a[i].Path)
		}
		if !strings.Contains(string(a[i].Content), "generated") && !strings.HasSuffix(a[i].Path, ".json") {
			t.Errorf("%s is not marked as generated", a[i].Path)
		}
	}
}

func TestGoName(t *testing.T) {
	for id, want := range map[string]string{
		"seam.correlation_id":          "SeamCorrelationID",
		"http.server.request.duration": "HTTPServerRequestDuration",
		"seam.boundary.kind":           "SeamBoundaryKind",
		"go.memory.gc.pause.duration":  "GoMemoryGCPauseDuration",
		"queue_full":                   "QueueFull",
	} {
		if got := goName(id); got != want {
			t.Errorf("goName(%q) = %q, want %q", id, got, want)
		}
	}
	if got := rustConst("seam.correlation_id"); got != "SEAM_CORRELATION_ID" {
		t.Errorf("rustConst = %q", got)
	}
}

// Boundaries written for Go and Rust must read back as the same float64.
func TestFloatLiteralsRoundTrip(t *testing.T) {
	for _, l := range resolved(t).BucketLayouts {
		for _, f := range l.Boundaries {
			lit := float(f)
			back, err := strconv.ParseFloat(lit, 64)
			if err != nil || back != f || strings.ContainsAny(lit, "eE") || !strings.Contains(lit, ".") {
				t.Errorf("%v written as %q", f, lit)
			}
		}
	}
}
