package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seamtel/seam/internal/judge"
	"github.com/seamtel/seam/internal/judge/report/reporttest"
)

func render(t *testing.T, opts Options) (string, judge.Report) {
	t.Helper()
	rep, want, err := reporttest.Sample()
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range rep.Operations {
		if o.Verdict != want[i] {
			t.Fatalf("%s: the sample judged %s, built for %s (%s)", o.Operation, o.Verdict, want[i], o.Reason)
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, rep, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String(), rep
}

// Each operation's verdict element names its verdict, in words and class,
// and its reason follows, escaped.
func TestVerdictsAndReasons(t *testing.T) {
	page, rep := render(t, Options{})
	for i, o := range rep.Operations {
		id := fmt.Sprintf("op-%d", i)
		verdict := regexp.MustCompile(`<span class="verdict verdict-(\w+)" id="` + id + `-verdict">([^<]*)</span>`).FindStringSubmatch(page)
		if verdict == nil {
			t.Errorf("%s: no verdict element", id)
			continue
		}
		if verdict[1] != verdictClass(o.Verdict) || verdict[2] != verdictLabel(o.Verdict) {
			t.Errorf("%s: verdict %q class %q, want %q class %q", id, verdict[2], verdict[1], verdictLabel(o.Verdict), verdictClass(o.Verdict))
		}
		reason := `<p class="reason" id="` + id + `-reason">` + html.EscapeString(o.Reason) + `</p>`
		if !strings.Contains(strings.ReplaceAll(page, "&#34;", "&quot;"), reason) {
			t.Errorf("%s: reason %q not on the page", id, o.Reason)
		}
	}
	counts := rep.Counts()
	for _, v := range verdicts {
		tile := fmt.Sprintf(`data-verdict="%s"><span class="n">%d</span>`, verdictClass(v), counts[v])
		if !strings.Contains(page, tile) {
			t.Errorf("summary: no %s tile with %d", v, counts[v])
		}
	}
	for _, s := range []string{rep.Source, rep.Generated.Format(time.RFC3339), rep.Skipped[0]} {
		if !strings.Contains(page, html.EscapeString(s)) {
			t.Errorf("summary: %q missing", s)
		}
	}
}

// Operation names are user input: the one made of markup shows as text.
func TestNamesAreEscaped(t *testing.T) {
	page, _ := render(t, Options{})
	if strings.Contains(page, reporttest.EvilName) || strings.Contains(page, `<script>alert`) {
		t.Fatal("the operation name's markup reached the page unescaped")
	}
	escaped := `checkout&lt;/h2&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;amp;`
	if n := strings.Count(page, escaped); n < 2 {
		t.Errorf("the escaped name appears %d times, want it in the index and its section", n)
	}
	if n := strings.Count(strings.ToLower(page), "<script"); n != 3 {
		t.Errorf("%d script elements, want 3 (data, uPlot, the page's)", n)
	}
}

// uPlot and its stylesheet are inlined unchanged, with no reference out.
func TestSelfContained(t *testing.T) {
	page, _ := render(t, Options{})
	if !strings.Contains(uplotJS, "(v1.6.32)") {
		t.Error("assets/uPlot.iife.min.js is not uPlot 1.6.32")
	}
	if !strings.Contains(page, "<script>"+uplotJS+"</script>") {
		t.Error("uPlot's script is not inlined")
	}
	if !strings.Contains(page, "<style>"+uplotCSS+"</style>") {
		t.Error("uPlot's stylesheet is not inlined")
	}
	markup := regexp.MustCompile(`(?is)(<script[^>]*>).*?</script>|(<style[^>]*>).*?</style>`).ReplaceAllString(page, "$1$2")
	attrs := regexp.MustCompile(`(?i)\s(src|href|action|formaction|poster|srcset|data|background)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	found := attrs.FindAllStringSubmatch(markup, -1)
	if len(found) == 0 {
		t.Fatal("no link at all: the check below would be vacuous")
	}
	for _, m := range found {
		v := strings.ToLower(strings.Trim(m[2], `"'`))
		if strings.HasPrefix(v, "http:") || strings.HasPrefix(v, "https:") || strings.HasPrefix(v, "//") || !strings.HasPrefix(v, "#") {
			t.Errorf("%s=%s: a reference out of the page", m[1], m[2])
		}
	}
	for _, tag := range []string{"<link", "<img", "<iframe", "@import", "url("} {
		if strings.Contains(strings.ToLower(markup+uplotCSS+pageCSS), tag) {
			t.Errorf("%s on the page", tag)
		}
	}
	if !strings.Contains(page, `content="default-src 'none';`) {
		t.Error("no Content-Security-Policy forbidding fetches")
	}
}

// The inlined scripts cannot end their own script element early.
func TestScriptsStayInTheirElements(t *testing.T) {
	for name, js := range map[string]string{"uPlot": uplotJS, "page.js": pageJS} {
		if l := strings.ToLower(js); strings.Contains(l, "</script") || strings.Contains(l, "<!--") {
			t.Errorf("%s holds </script or <!--", name)
		}
	}
}

// The JSON block parses, has a plot set per operation, and every plot it
// has data for has its element on the page.
func TestDataBlock(t *testing.T) {
	page, rep := render(t, Options{})
	m := regexp.MustCompile(`(?s)<script type="application/json" id="report-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data block")
	}
	var data struct {
		Operations []struct {
			ID     string          `json:"id"`
			Dist   json.RawMessage `json:"dist"`
			CDF    json.RawMessage `json:"cdf"`
			Ratios json.RawMessage `json:"ratios"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(m[1]), &data); err != nil {
		t.Fatalf("data block: %v", err)
	}
	if len(data.Operations) != len(rep.Operations) {
		t.Fatalf("%d plot sets for %d operations", len(data.Operations), len(rep.Operations))
	}
	plots := 0
	for _, op := range data.Operations {
		for kind, raw := range map[string]json.RawMessage{"dist": op.Dist, "cdf": op.CDF, "ratios": op.Ratios} {
			el := `id="` + op.ID + `-` + kind + `" data-plot="` + kind + `"`
			if has := len(raw) > 0 && string(raw) != "null"; has != strings.Contains(page, el) {
				t.Errorf("%s %s: data %v, element %v", op.ID, kind, has, !has)
			} else if has {
				plots++
			}
		}
	}
	// Every operation but the one without candidate latencies has all three.
	if want := 3*len(rep.Operations) - 1; plots != want {
		t.Errorf("%d plots, want %d", plots, want)
	}
}

// The distribution is a density per decade: over the drawn widths it adds
// up to one; the bucket at zero folds into the first; the CDF ends at the
// share below the last bound.
func TestDensityPerDecade(t *testing.T) {
	bounds := []float64{0, 1e-3, 2e-3, 5e-3, 10e-3}
	h := judge.Histogram{Bounds: bounds, Counts: []uint64{1, 3, 10, 4, 2, 5}}
	l, ok := layoutOf(bounds)
	if !ok {
		t.Fatal("no layout")
	}
	c := l.counts(h)
	if want := []float64{4, 10, 4, 2, 5}; fmt.Sprint(c) != fmt.Sprint(want) {
		t.Fatalf("counts %v, want %v", c, want)
	}
	d := l.dist(c, nil)
	var sum float64
	for i := range len(d.X) - 1 {
		sum += float64(d.Baseline[i]) * math.Log10(float64(d.X[i+1])/float64(d.X[i]))
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("density integrates to %g", sum)
	}
	if d.X[0] != 0.5e-3 || d.X[len(d.X)-1] != 20e-3 {
		t.Errorf("open buckets drawn from %g to %g, want 0.0005 to 0.02", d.X[0], d.X[len(d.X)-1])
	}
	if !math.IsNaN(float64(d.Candidate[0])) {
		t.Error("an arm without latencies should draw nothing (null)")
	}
	cdf := l.cdf(c, nil)
	if got := float64(cdf.Baseline[len(cdf.Baseline)-1]); math.Abs(got-20.0/25) > 1e-12 {
		t.Errorf("CDF at the last bound %g, want 0.8", got)
	}
	if r := d.Range; r[0] != 1e-4 || r[1] != 1e-1 {
		t.Errorf("range %v", r)
	}
}

// Unbounded ratio ends are drawn at the plot's edges and said in words.
func TestRatioEnds(t *testing.T) {
	p := ratios([]judge.QuantileRatio{{Q: 0.5, Lo: 0.8, Hi: 1.25}, {Q: 0.99, Lo: 0, Hi: judge.Num(math.Inf(1))}})
	if p.Range != [2]float64{0.1, 10} {
		t.Errorf("range %v", p.Range)
	}
	if p.Lo[2] != judge.Num(p.Range[0]) || p.Hi[2] != judge.Num(p.Range[1]) || p.Text[2] != "0× – ∞" {
		t.Errorf("unbounded interval drawn %g–%g, said %q", p.Lo[2], p.Hi[2], p.Text[2])
	}
	if _, err := json.Marshal(p); err != nil {
		t.Error(err)
	}
}

func TestRefresh(t *testing.T) {
	page, _ := render(t, Options{Refresh: 2500 * time.Millisecond})
	if !strings.Contains(page, `<meta http-equiv="refresh" content="3">`) {
		t.Error("no meta refresh of 3 seconds")
	}
	page, _ = render(t, Options{})
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Error("a file page should not reload")
	}
}

func TestErrorPage(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderError(&buf, errors.New(`read http://x/metrics: <refused>`), Options{Refresh: 5 * time.Second}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`id="report-error"`, `read http://x/metrics: &lt;refused&gt;`, `content="5"`} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %s", want)
		}
	}
}

// An arm without latencies still fills the quantile columns, with dashes.
func TestArmsTableColumns(t *testing.T) {
	page, _ := render(t, Options{})
	tables := regexp.MustCompile(`(?s)<table class="arms">(.*?)</table>`).FindAllStringSubmatch(page, -1)
	if len(tables) == 0 {
		t.Fatal("no arms table")
	}
	cells := regexp.MustCompile(`<t[hd][ >]`)
	for i, tb := range tables {
		rows := regexp.MustCompile(`(?s)<tr.*?</tr>`).FindAllString(tb[1], -1)
		if len(rows) != 3 {
			t.Fatalf("table %d: %d rows, want a head and two arms", i, len(rows))
		}
		for _, r := range rows[1:] {
			if got, want := len(cells.FindAllString(r, -1)), len(cells.FindAllString(rows[0], -1)); got != want {
				t.Errorf("table %d: a row of %d cells under %d heads:\n%s", i, got, want, r)
			}
		}
	}
}

// An operation judged on shadow runs says so, with the rollout's share.
func TestTrafficLine(t *testing.T) {
	rep, _, err := reporttest.Sample()
	if err != nil {
		t.Fatal(err)
	}
	share := judge.Num(0.25)
	rep.Operations[0].CandidateFrom, rep.Operations[0].CandidateShare = "shadow", &share
	var buf bytes.Buffer
	if err := Render(&buf, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"candidate (shadow runs)", "the rollout sent the candidate 25", "its arm is its shadow runs"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
}
