package registry

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The project's own registry is the contract everything else derives from.
func TestSeamRegistryIsValid(t *testing.T) {
	r, findings, err := LoadResolved("../../schema")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Error(f)
	}
	if r == nil {
		t.FailNow()
	}
	for _, name := range []string{"seam.operation.duration", "http.server.request.duration", "rpc.server.call.duration", "go.memory.gc.pause.duration"} {
		m := r.Metric(name)
		if m == nil || len(m.Boundaries) == 0 {
			t.Errorf("%s: missing or without buckets: %+v", name, m)
		}
	}
}

// The latency layout must resolve implementations' tails: log-spaced at
// about sqrt 2 from 0.5 ms to 30 s, with 0 in front.
func TestLatencyLayoutShape(t *testing.T) {
	r, _, err := LoadResolved("../../schema")
	if err != nil || r == nil {
		t.Fatal(err)
	}
	b := r.Metric("seam.operation.duration").Boundaries
	if b[0] != 0 || b[1] != 0.000001 || b[len(b)-1] != 30 {
		t.Fatalf("layout runs %v … %v, want 0, 1e-06 … 30", b[:2], b[len(b)-1])
	}
	for i := 2; i < len(b); i++ {
		if ratio := b[i] / b[i-1]; ratio < 1.2 || ratio > 1.55 {
			t.Errorf("%v/%v = %.3f: steps must stay near sqrt 2", b[i], b[i-1], ratio)
		}
	}
}

// Each broken registry has exactly one defect; the check must name it at
// the exact file, line, column and rule.
func TestInvalidRegistries(t *testing.T) {
	dirs, err := filepath.Glob("../../schema/testdata/invalid/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 12 {
		t.Fatalf("only %d invalid registries", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
			if err != nil {
				t.Fatal(err)
			}
			_, findings, err := LoadResolved(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range findings {
				if strings.TrimSpace(f.Message) == "" {
					t.Errorf("finding without a message: %v", f)
				}
				rel, err := filepath.Rel(dir, f.Pos.File)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, strings.Join([]string{rel, itoa(f.Pos.Line), itoa(f.Pos.Col), " " + f.Rule}, ":"))
			}
			if g, w := strings.Join(got, "\n"), strings.TrimSpace(string(want)); g != w {
				t.Errorf("findings:\n%s\nwant:\n%s\nall: %v", g, w, findings)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	for _, ok := range []string{"s", "ms", "By", "KiBy", "{allocation}", "1", "%", "By/s", "{request}/s", "{thread}"} {
		if p := unitProblem(ok); p != "" {
			t.Errorf("%q rejected: %s", ok, p)
		}
	}
	for _, bad := range []string{"", "seconds", "bytes", "Bytes", "{}", "ms/"} {
		if unitProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNames(t *testing.T) {
	for _, ok := range []string{"seam.impl", "http.server.request.duration", "seam.correlation_id", "go.memory.gc.pause.duration"} {
		if p := nameProblem(ok); p != "" {
			t.Errorf("%q rejected: %s", ok, p)
		}
	}
	for _, bad := range []string{"", "Seam.impl", "seam..impl", "seam.impl.", "seam._impl", "seam.impl__x", "1seam", "seam-impl"} {
		if nameProblem(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
