// Package codegen renders the resolved schema into the files the SDKs, the
// collector and the conformance tests build on.
package codegen

import (
	"github.com/seamtel/seam/schema"

	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// File is one generated output, its path relative to the repository root.
type File struct {
	Path    string
	Content []byte
}

// Outputs renders every generated file from r.
func Outputs(r *schema.Registry) ([]File, error) {
	goSrc, err := Go(r)
	if err != nil {
		return nil, err
	}
	rustSrc, err := Rust(r)
	if err != nil {
		return nil, err
	}
	resolved, err := jsonFile(r)
	if err != nil {
		return nil, err
	}
	descriptors, err := jsonFile(MetricDescriptors(r))
	if err != nil {
		return nil, err
	}
	return []File{
		{Path: "sdk-go/semconv/semconv.go", Content: goSrc},
		{Path: "sdk-rust/src/semconv.rs", Content: rustSrc},
		{Path: "schema/resolved.json", Content: resolved},
		{Path: "schema/testdata/conformance/metrics.json", Content: descriptors},
	}, nil
}

// Descriptor is the conformance form of a metric: what an SDK's instrument
// must carry, with nothing an SDK cannot observe.
type Descriptor struct {
	Name        string    `json:"name"`
	Instrument  string    `json:"instrument"`
	Unit        string    `json:"unit"`
	Description string    `json:"description"`
	Boundaries  []float64 `json:"boundaries"`
	Attributes  []string  `json:"attributes"`
	SeriesLimit int       `json:"series_limit"`
}

// MetricDescriptors lists every metric as a conformance descriptor.
func MetricDescriptors(r *schema.Registry) []Descriptor {
	out := make([]Descriptor, 0, len(r.Metrics))
	for _, m := range r.Metrics {
		d := Descriptor{Name: m.Name, Instrument: m.Instrument, Unit: m.Unit, Description: comment(m.Brief),
			Boundaries: m.Boundaries, Attributes: []string{}, SeriesLimit: m.SeriesLimit}
		if d.Boundaries == nil {
			d.Boundaries = []float64{}
		}
		for _, a := range m.Attributes {
			d.Attributes = append(d.Attributes, a.ID)
		}
		out = append(out, d)
	}
	return out
}

func jsonFile(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes files under root.
func Write(root string, files []File) error {
	for _, f := range files {
		path := filepath.Join(root, f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Drift returns the paths under root whose content differs from files.
func Drift(root string, files []File) []string {
	var stale []string
	for _, f := range files {
		have, err := os.ReadFile(filepath.Join(root, f.Path))
		if err != nil || !bytes.Equal(have, f.Content) {
			stale = append(stale, f.Path)
		}
	}
	return stale
}

// DriftError explains stale outputs and how to bring them up to date.
func DriftError(stale []string) error {
	return fmt.Errorf("generated files are out of date with schema/registry: %v; run `go run ./cmd/seam schema generate` and commit the result", stale)
}
