// Package slo reads the service level objectives of alerts/slos.yaml and
// generates their Prometheus rules: the SLI recording rules, kept as bad and
// total event rates per window, and the multiwindow multi-burn-rate alerts
// on Sloth's windows.
package slo

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"

	"github.com/prometheus/common/model"
	"github.com/seamtel/seam/sdk-go/semconv"
	"gopkg.in/yaml.v3"
)

// File is alerts/slos.yaml.
type File struct {
	// Period is the error budget's window, a Prometheus duration (30d).
	Period string `yaml:"period"`
	SLOs   []SLO  `yaml:"slos"`
}

// SLO is the objectives of one operation of one service.
type SLO struct {
	Service      string        `yaml:"service"`
	Operation    string        `yaml:"operation"`
	Availability *Availability `yaml:"availability"`
	Latency      *Latency      `yaml:"latency"`
}

// Availability is an objective on the error ratio: the share of
// executions that end without an error.type.
type Availability struct {
	Objective float64 `yaml:"objective"`
}

// Latency is an objective on the share of executions faster than
// Threshold seconds, which must be a bucket bound of the latency layout so
// that the count of fast executions is exact.
type Latency struct {
	Objective float64 `yaml:"objective"`
	Threshold float64 `yaml:"threshold"`
}

// The kinds of SLI, the sli label of every series the rules record.
const (
	SLIAvailability = "availability"
	SLILatency      = "latency"
)

// Load reads and validates a slos.yaml.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse decodes and validates a slos.yaml; unknown keys are errors.
func Parse(b []byte) (*File, error) {
	var f File
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("slos: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

var operationPattern = regexp.MustCompile(semconv.SeamOperationValuePattern)

// Validate checks what the rules rely on: a period of at least the longest
// alert window, names the schema accepts, objectives strictly between 0 and
// 1, and latency thresholds on a bound of semconv.LatencyBoundaries.
func (f *File) Validate() error {
	period, err := model.ParseDuration(f.Period)
	if err != nil {
		return fmt.Errorf("slos: period: %w", err)
	}
	if longest := ticketWindows[len(ticketWindows)-1].Long; period < longest.d {
		return fmt.Errorf("slos: period %s is shorter than the longest alert window %s", f.Period, longest.name)
	}
	if len(f.SLOs) == 0 {
		return fmt.Errorf("slos: no SLOs")
	}
	seen := map[string]bool{}
	for i, s := range f.SLOs {
		at := fmt.Sprintf("slos[%d] (%s %s)", i, s.Service, s.Operation)
		if s.Service == "" {
			return fmt.Errorf("%s: no service", at)
		}
		if !operationPattern.MatchString(s.Operation) || len(s.Operation) > semconv.SeamOperationMaxLength {
			return fmt.Errorf("%s: operation %q is not a valid %s", at, s.Operation, semconv.SeamOperationKey)
		}
		key := s.Service + "\x00" + s.Operation
		if seen[key] {
			return fmt.Errorf("%s: declared twice", at)
		}
		seen[key] = true
		if s.Availability == nil && s.Latency == nil {
			return fmt.Errorf("%s: neither an availability nor a latency objective", at)
		}
		if s.Availability != nil {
			if err := checkObjective(s.Availability.Objective); err != nil {
				return fmt.Errorf("%s: availability: %w", at, err)
			}
		}
		if s.Latency != nil {
			if err := checkObjective(s.Latency.Objective); err != nil {
				return fmt.Errorf("%s: latency: %w", at, err)
			}
			if err := CheckThreshold(s.Latency.Threshold); err != nil {
				return fmt.Errorf("%s: latency: %w", at, err)
			}
		}
	}
	return nil
}

func checkObjective(o float64) error {
	if !(o > 0 && o < 1) {
		return fmt.Errorf("objective %v is not a ratio strictly between 0 and 1", o)
	}
	return nil
}

// CheckThreshold says whether a latency threshold lies on a bucket bound of
// the schema's latency layout (0, which no execution is under, excluded).
func CheckThreshold(t float64) error {
	if t > 0 && slices.Contains(semconv.LatencyBoundaries, t) {
		return nil
	}
	return fmt.Errorf("threshold %vs is not a bucket bound of semconv.LatencyBoundaries %v", t, semconv.LatencyBoundaries[1:])
}

// Objective is one SLI of one SLO, as the rules see it.
type Objective struct {
	SLO
	SLI       string
	Objective float64
	Threshold float64 // latency only
}

// ID is the slo label: service/operation/sli.
func (o Objective) ID() string { return o.Service + "/" + o.Operation + "/" + o.SLI }

// Budget is the error budget as a ratio, 1 - objective, rounded to the
// objective's own precision so that 0.999 gives 0.001.
func (o Objective) Budget() float64 {
	b, _ := strconv.ParseFloat(strconv.FormatFloat(1-o.Objective, 'f', 12, 64), 64)
	return b
}

// Objectives lists every SLI of the file in order, availability first.
func (f *File) Objectives() []Objective {
	var out []Objective
	for _, s := range f.SLOs {
		if s.Availability != nil {
			out = append(out, Objective{SLO: s, SLI: SLIAvailability, Objective: s.Availability.Objective})
		}
		if s.Latency != nil {
			out = append(out, Objective{SLO: s, SLI: SLILatency, Objective: s.Latency.Objective, Threshold: s.Latency.Threshold})
		}
	}
	return out
}

// formatFloat writes a float as PromQL and YAML read it back exactly.
func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
