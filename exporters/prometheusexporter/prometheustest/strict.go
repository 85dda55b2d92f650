package prometheustest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Exposition formats Prometheus 2.42 asks for: OpenMetrics first, then the
// text format.
const (
	AcceptText        = "text/plain;version=0.0.4"
	AcceptOpenMetrics = "application/openmetrics-text;version=1.0.0"
)

// Fetch returns the body of http://addr/metrics in the format accept names.
func Fetch(addr, accept string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: status %d", addr, resp.StatusCode)
	}
	return body, nil
}

// ScrapeStrict fetches addr's /metrics in the text format and in
// OpenMetrics, fails on anything CheckText or CheckOpenMetrics refuses, and
// returns the text format's families.
func ScrapeStrict(addr string) (Families, error) {
	om, err := Fetch(addr, AcceptOpenMetrics)
	if err != nil {
		return nil, err
	}
	if err := CheckOpenMetrics(om); err != nil {
		return nil, err
	}
	text, err := Fetch(addr, AcceptText)
	if err != nil {
		return nil, err
	}
	return CheckText(text)
}

// CheckOpenMetrics refuses bytes that are not UTF-8 and a missing "# EOF",
// which Prometheus' OpenMetrics parser refuses, and a family name declared
// twice, which OpenMetrics forbids: a gauge jobs and a counter jobs_total
// are both the family jobs there.
func CheckOpenMetrics(body []byte) error {
	if !utf8.Valid(body) {
		return fmt.Errorf("openmetrics: not valid UTF-8 at byte %d", invalidAt(body))
	}
	if !bytes.HasSuffix(body, []byte("# EOF\n")) {
		return errors.New("openmetrics: data does not end with # EOF")
	}
	families := map[string]struct{}{}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return fmt.Errorf("openmetrics: bad TYPE line %q", line)
		}
		if _, dup := families[f[2]]; dup {
			return fmt.Errorf("openmetrics: family %s declared twice", f[2])
		}
		families[f[2]] = struct{}{}
	}
	return nil
}

// CheckText parses a text-format (0.0.4) exposition and refuses what makes
// Prometheus 2.42 fail the whole scrape, and classic histograms it cannot
// use:
//   - bytes that are not UTF-8 (in HELP as much as in label values);
//   - anything expfmt's parser refuses;
//   - a sample with two labels of one name (a histogram's le and a point's
//     le) or with a __name__ label;
//   - the same series twice;
//   - a sample name that belongs to two families (a histogram x's x_count
//     and a gauge x_count);
//   - a histogram whose bounds are NaN or not increasing, whose cumulative
//     counts decrease, or whose +Inf bucket is not its count.
func CheckText(body []byte) (Families, error) {
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("text: not valid UTF-8 at byte %d", invalidAt(body))
	}
	if err := checkSamples(body); err != nil {
		return nil, err
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("text: %w", err)
	}
	out := Families{}
	for name, mf := range parsed {
		if mf.GetType() == dto.MetricType_HISTOGRAM {
			for _, m := range mf.GetMetric() {
				if err := checkHistogram(m.GetHistogram()); err != nil {
					return nil, fmt.Errorf("text: histogram %s%v: %w", name, Labels(m), err)
				}
			}
		}
		out[name] = mf
	}
	return out, nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func checkHistogram(h *dto.Histogram) error {
	prevBound := math.Inf(-1)
	var prevCount uint64
	for i, b := range h.GetBucket() {
		ub := b.GetUpperBound()
		if math.IsNaN(ub) {
			return errors.New("a NaN bound")
		}
		if i > 0 && ub <= prevBound {
			return fmt.Errorf("bound %g after %g", ub, prevBound)
		}
		if b.GetCumulativeCount() < prevCount {
			return fmt.Errorf("cumulative count %d after %d at le=%g", b.GetCumulativeCount(), prevCount, ub)
		}
		prevBound, prevCount = ub, b.GetCumulativeCount()
	}
	buckets := h.GetBucket()
	if n := len(buckets); n > 0 && math.IsInf(buckets[n-1].GetUpperBound(), 1) && buckets[n-1].GetCumulativeCount() != h.GetSampleCount() {
		return fmt.Errorf("+Inf bucket %d but count %d", buckets[n-1].GetCumulativeCount(), h.GetSampleCount())
	}
	return nil
}

// checkSamples reads every sample line's name and labels.
func checkSamples(body []byte) error {
	family, histogram := "", false
	familyOf := map[string]string{} // sample name -> the family it appeared under
	seen := map[string]struct{}{}
	for n, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			if f := strings.Fields(line); len(f) >= 4 {
				family, histogram = f[2], f[3] == "histogram"
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, labels, err := parseSample(line)
		if err != nil {
			return fmt.Errorf("text line %d: %w: %q", n+1, err, clip(line))
		}
		if f, ok := familyOf[name]; ok && f != family {
			return fmt.Errorf("text line %d: sample %s belongs to family %s and to %s", n+1, name, f, family)
		}
		familyOf[name] = family
		names := make([]string, 0, len(labels))
		for _, l := range labels {
			if l[0] == model.MetricNameLabel {
				return fmt.Errorf("text line %d: a %s label", n+1, model.MetricNameLabel)
			}
			// expfmt's parser skips such a bucket without a word.
			if histogram && l[0] == model.BucketLabel && name == family+"_bucket" && strings.EqualFold(l[1], "NaN") {
				return fmt.Errorf("text line %d: a NaN bound: %q", n+1, clip(line))
			}
			names = append(names, l[0])
		}
		sort.Strings(names)
		for i := 1; i < len(names); i++ {
			if names[i] == names[i-1] {
				return fmt.Errorf("text line %d: label name %q is not unique: %q", n+1, names[i], clip(line))
			}
		}
		sort.Slice(labels, func(i, j int) bool { return labels[i][0] < labels[j][0] })
		key := name + fmt.Sprint(labels)
		if _, dup := seen[key]; dup {
			return fmt.Errorf("text line %d: series exposed twice: %q", n+1, clip(line))
		}
		seen[key] = struct{}{}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// parseSample reads `name{l="v",...} value [timestamp]`.
func parseSample(line string) (name string, labels [][2]string, err error) {
	i := 0
	for i < len(line) && isNameByte(line[i], i == 0) {
		i++
	}
	if i == 0 {
		return "", nil, errors.New("no metric name")
	}
	name = line[:i]
	if i < len(line) && line[i] == '{' {
		i++
		for {
			for i < len(line) && (line[i] == ' ' || line[i] == ',') {
				i++
			}
			if i < len(line) && line[i] == '}' {
				i++
				break
			}
			start := i
			for i < len(line) && isNameByte(line[i], i == start) {
				i++
			}
			if i == start || i >= len(line) || line[i] != '=' {
				return "", nil, errors.New("bad label name")
			}
			lname := line[start:i]
			i++
			if i >= len(line) || line[i] != '"' {
				return "", nil, errors.New("label value not quoted")
			}
			i++
			var v strings.Builder
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				v.WriteByte(line[i])
			}
			if i >= len(line) {
				return "", nil, errors.New("unterminated label value")
			}
			i++
			labels = append(labels, [2]string{lname, v.String()})
		}
	}
	if i >= len(line) || line[i] != ' ' {
		return "", nil, errors.New("no value")
	}
	return name, labels, nil
}

func isNameByte(b byte, first bool) bool {
	return b == '_' || b == ':' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (!first && b >= '0' && b <= '9')
}
