// Package conformance is the cross-language live check: given what the Go
// and Rust emitters sent through a real collector, it proves their
// telemetry has one shape, follows the registry, and forms one trace.
package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Capture is the telemetry a collector's file exporter wrote.
type Capture struct {
	Metrics []pmetric.Metrics
	Logs    []plog.Logs
	Traces  []ptrace.Traces
}

// maxLine bounds one exported batch; the file exporter writes one per line.
const maxLine = 64 << 20

// ReadDir reads every *.jsonl file a collector's file exporters wrote into dir.
func ReadDir(dir string) (*Capture, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: the collector wrote no capture files", dir)
	}
	c := &Capture{}
	for _, p := range paths {
		if err := c.readFile(p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ReadFile reads the OTLP JSON lines of one file exporter; signals may mix.
func ReadFile(path string) (*Capture, error) {
	c := &Capture{}
	return c, c.readFile(path)
}

func (c *Capture) readFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	for n := 1; sc.Scan(); n++ {
		if err := c.add(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func (c *Capture) add(line []byte) error {
	line = bytes.TrimSpace(line)
	switch {
	case len(line) == 0:
		return nil
	case bytes.HasPrefix(line, []byte(`{"resourceMetrics"`)):
		m, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(line)
		c.Metrics = append(c.Metrics, m)
		return err
	case bytes.HasPrefix(line, []byte(`{"resourceLogs"`)):
		l, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(line)
		c.Logs = append(c.Logs, l)
		return err
	case bytes.HasPrefix(line, []byte(`{"resourceSpans"`)):
		t, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(line)
		c.Traces = append(c.Traces, t)
		return err
	}
	return fmt.Errorf("not an OTLP JSON export request: %.40q", line)
}
