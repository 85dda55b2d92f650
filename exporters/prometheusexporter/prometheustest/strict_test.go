package prometheustest

import (
	"testing"
)

func TestCheckTextRefusesWhatPrometheusRefuses(t *testing.T) {
	bad := map[string]string{
		"invalid UTF-8 in HELP": "# HELP g temperature in \xb0C\n# TYPE g gauge\ng 1\n",
		"invalid UTF-8 label":   "# TYPE g gauge\ng{a=\"\xff\"} 1\n",
		"le twice": "# TYPE h histogram\nh_bucket{le=\"0.5\",le=\"1\"} 1\nh_bucket{le=\"+Inf\",le=\"0.5\"} 1\n" +
			"h_sum{le=\"0.5\"} 1\nh_count{le=\"0.5\"} 1\n",
		"__name__ label":           "# TYPE g gauge\ng{__name__=\"x\"} 1\n",
		"series twice":             "# TYPE g gauge\ng{a=\"1\",b=\"2\"} 1\ng{b=\"2\",a=\"1\"} 2\n",
		"a sample in two families": "# TYPE x histogram\nx_bucket{le=\"+Inf\"} 1\nx_sum 1\nx_count 1\n# TYPE x_count gauge\nx_count 7\n",
		"NaN bound":                "# TYPE h histogram\nh_bucket{le=\"NaN\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"decreasing buckets":       "# TYPE h histogram\nh_bucket{le=\"1\"} 5\nh_bucket{le=\"2\"} 4\nh_bucket{le=\"+Inf\"} 5\nh_sum 1\nh_count 5\n",
		"+Inf is not count":        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
		"syntax":                   "# TYPE g gauge\ng{a=1} 1\n",
	}
	for name, text := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := CheckText([]byte(text)); err == nil {
				t.Fatalf("accepted:\n%s", text)
			}
		})
	}
	good := "# HELP h a \"quoted\" help\n# TYPE h histogram\n" +
		"h_bucket{a=\"x,y\\\"}\",le=\"1\"} 1\nh_bucket{a=\"x,y\\\"}\",le=\"+Inf\"} 2\nh_sum{a=\"x,y\\\"}\"} 3\nh_count{a=\"x,y\\\"}\"} 2\n" +
		"# TYPE g gauge\ng{le=\"1\"} 1\ng 2\n"
	fams, err := CheckText([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 2 {
		t.Fatalf("families: %v", fams)
	}
}

func TestCheckOpenMetrics(t *testing.T) {
	if err := CheckOpenMetrics([]byte("# TYPE jobs gauge\njobs 1\n# EOF\n")); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"no EOF":        "# TYPE jobs gauge\njobs 1\n",
		"invalid UTF-8": "# HELP jobs \xff\n# TYPE jobs gauge\njobs 1\n# EOF\n",
		"family twice":  "# TYPE jobs gauge\njobs 1\n# TYPE jobs counter\njobs_total 1\n# EOF\n",
	} {
		if err := CheckOpenMetrics([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
