// Package deploy_test checks docker-compose.yml, which no test can start
// here (there is no Docker engine): it must be a valid Compose file, every
// service healthy-checked and bounded, and the configuration it mounts the
// very files the e2e test loads into Prometheus and Alertmanager.
package deploy_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

// composeSpec is the Compose Specification's JSON schema, committed from
// github.com/compose-spec/compose-spec (schema/compose-spec.json, commit
// 170098b): the validator never fetches anything.
const composeSpec = "compose-spec.json"

type compose struct {
	Services map[string]struct {
		Build *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Image       string   `yaml:"image"`
		Ports       []string `yaml:"ports"`
		Volumes     []string `yaml:"volumes"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		Deploy struct {
			Resources struct {
				Limits struct {
					CPUs   string `yaml:"cpus"`
					Memory string `yaml:"memory"`
				} `yaml:"limits"`
			} `yaml:"resources"`
		} `yaml:"deploy"`
	} `yaml:"services"`
}

// compileSpec compiles the committed Compose Specification.
func compileSpec(t *testing.T) *jsonschema.Schema {
	t.Helper()
	spec, err := os.Open(composeSpec)
	if err != nil {
		t.Fatal(err)
	}
	defer spec.Close()
	doc, err := jsonschema.UnmarshalJSON(spec)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(composeSpec, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(composeSpec)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func readCompose(t *testing.T) ([]byte, compose) {
	t.Helper()
	raw, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return raw, c
}

// The file is valid against the Compose Specification.
func TestComposeFileIsValid(t *testing.T) {
	raw, _ := readCompose(t)
	var doc any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// The validator takes JSON values: YAML's maps and numbers, through JSON.
	js, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSpec(t).Validate(inst); err != nil {
		t.Fatalf("docker-compose.yml is not a valid Compose file: %v", err)
	}
}

// The validator is not a rubber stamp: a service with a misspelt key fails.
func TestComposeValidatorRefusesAnUnknownKey(t *testing.T) {
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"services": {"x": {"image": "busybox", "helthcheck": {}}}}`))
	if err := compileSpec(t).Validate(bad); err == nil {
		t.Fatal("a service with the key helthcheck validated")
	}
}

// Every service has a health check and CPU and memory limits; every
// published port is on 127.0.0.1 and documented in the file's header.
func TestComposeServicesAreCheckedBoundedAndDocumented(t *testing.T) {
	raw, c := readCompose(t)
	header := string(raw[:bytes.Index(raw, []byte("\nname:"))])
	want := []string{"collector", "prometheus", "alertmanager", "grafana", "jaeger", "pricing-orchestrator", "pricing-service"}
	for _, name := range want {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("no service %s", name)
		}
	}
	port := regexp.MustCompile(`^127\.0\.0\.1:(\d+):\d+$`)
	for name, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) == 0 {
			t.Errorf("%s: no health check", name)
		}
		if l := s.Deploy.Resources.Limits; l.CPUs == "" || l.Memory == "" {
			t.Errorf("%s: no CPU or memory limit", name)
		}
		for _, p := range s.Ports {
			m := port.FindStringSubmatch(p)
			if m == nil {
				t.Errorf("%s: port %q is not bound to 127.0.0.1", name, p)
				continue
			}
			if !regexp.MustCompile(`(?m)^#\s+(\d+,\s*)*` + m[1] + `\b`).MatchString(header) {
				t.Errorf("%s: port %s is not documented in the file's header", name, m[1])
			}
		}
	}
}

// The images Seam builds come from multi-stage Dockerfiles with a non-root
// runtime.
func TestDockerfilesAreMultiStageAndNonRoot(t *testing.T) {
	_, c := readCompose(t)
	built := 0
	for name, s := range c.Services {
		if s.Build == nil {
			continue
		}
		built++
		df, err := os.ReadFile(filepath.Join("..", s.Build.Context, s.Build.Dockerfile))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := string(df)
		if n := regexp.MustCompile(`(?m)^FROM `).FindAllStringIndex(text, -1); len(n) < 2 {
			t.Errorf("%s: %s has %d stages, want a build stage and a runtime stage", name, s.Build.Dockerfile, len(n))
		}
		last := text[strings.LastIndex(text, "\nFROM "):]
		if !strings.Contains(last, "USER nonroot") {
			t.Errorf("%s: %s's runtime stage does not run as nonroot", name, s.Build.Dockerfile)
		}
	}
	if built < 2 {
		t.Errorf("%d services built from this repository, want the collector and the example", built)
	}
}

// The mounts keep the repository's layout under one root, so the paths
// the configuration files give relative to themselves (rule files, targets)
// mean in the container what they mean in the repository, where the e2e
// test uses them.
func TestComposeMountsTheFilesTheTestsLoad(t *testing.T) {
	_, c := readCompose(t)
	mounts := map[string]string{}
	for _, s := range c.Services {
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) >= 2 && strings.HasPrefix(parts[0], "./") {
				mounts[strings.TrimPrefix(parts[0], "./")] = parts[1]
			}
		}
	}
	for _, src := range []string{"deploy/prometheus", "alerts", "deploy/alertmanager", "dashboards", "deploy/grafana/provisioning"} {
		target, ok := mounts[src]
		if !ok {
			t.Errorf("nothing mounts ./%s", src)
			continue
		}
		if _, err := os.Stat(filepath.Join("..", src)); err != nil {
			t.Errorf("./%s: %v", src, err)
		}
		if strings.HasPrefix(src, "deploy/prometheus") || src == "alerts" || src == "deploy/alertmanager" {
			if !strings.HasSuffix(target, "/"+src) || strings.TrimSuffix(target, src) != "/etc/seam/" {
				t.Errorf("./%s is mounted at %s, not under /etc/seam/ with its repository path", src, target)
			}
		}
	}
	rules, err := filepath.Glob(filepath.Join("prometheus", "../../alerts/*.rules.yaml"))
	if err != nil || len(rules) < 5 {
		t.Errorf("prometheus.yml's rule_files resolve to %v (%v) in the repository", rules, err)
	}
}
