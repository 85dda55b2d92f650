package pipelinetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seamtel/seam/internal/certs"
)

func run(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(collectorBin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestComponentsListsTheDistribution(t *testing.T) {
	out, err := run(t, nil, "components")
	require.NoError(t, err, out)
	for _, name := range []string{
		"otlp", "memory_limiter", "batch", "seam_schema",
		"otlp_grpc", "otlp_http", "debug", "file", "prometheus_remote_write", "load_balancing", "seam_prometheus",
		"health_check", "pprof", "zpages", "file_storage", "seam_guard", "bearertokenauth", "seam_exporthealth",
	} {
		assert.Contains(t, out, "- name: "+name+"\n", "component %s", name)
	}
}

func TestValidateEmbeddedDefaultWithNoFlags(t *testing.T) {
	out, err := run(t, nil, "validate")
	require.NoError(t, err, out)
}

func TestValidateExampleConfigs(t *testing.T) {
	root, err := repoRoot()
	require.NoError(t, err)
	configs, err := filepath.Glob(filepath.Join(root, "collector", "config", "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(configs), 3)
	tlsDir := t.TempDir()
	require.NoError(t, certs.Write(tlsDir, certs.Options{Hosts: []string{"127.0.0.1"}}))
	env := []string{
		"SEAM_TLS_CERT=" + filepath.Join(tlsDir, certs.ServerFile),
		"SEAM_TLS_KEY=" + filepath.Join(tlsDir, certs.ServerKeyFile),
		"SEAM_BEARER_TOKEN=token",
		"UPSTREAM_OTLP_ENDPOINT=127.0.0.1:4317",
		"UPSTREAM_OTLP_INSECURE=true",
		"SEAM_QUEUE_DIR=" + t.TempDir(),
		"REMOTE_WRITE_URL=http://127.0.0.1:9090/api/v1/write",
		"SEAM_GATEWAYS=[127.0.0.1:4317, 127.0.0.1:14317]",
	}
	for _, cfg := range configs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			out, err := run(t, env, "validate", "--config", cfg)
			require.NoError(t, err, out)
		})
	}
}

// The gateway fails closed: without its certificate, key and token it
// does not start, and says what is missing.
func TestGatewayWithoutCertificatesOrTokenDoesNotStart(t *testing.T) {
	root, err := repoRoot()
	require.NoError(t, err)
	out, err := run(t, []string{"UPSTREAM_OTLP_ENDPOINT=127.0.0.1:4317", "SEAM_QUEUE_DIR=" + t.TempDir()},
		"validate", "--config", filepath.Join(root, "collector", "config", "gateway.yaml"))
	require.Error(t, err)
	assert.Contains(t, out, "TLS configuration must include both certificate and key")
	assert.Contains(t, out, "bearertokenauth: no bearer token provided")
}

func TestValidateNamesTheBadSetting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.TrimSpace(`
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
processors:
  seam_schema:
    mode: fix-everything
exporters:
  seam_prometheus:
    endpoint: nowhere
service:
  pipelines:
    metrics:
      receivers: [otlp]
      processors: [seam_schema]
      exporters: [seam_prometheus]
`)), 0o600))
	out, err := run(t, nil, "validate", "--config", path)
	require.Error(t, err)
	assert.Contains(t, out, `mode: "fix-everything" is not one of "enforce", "report"`)
	assert.Contains(t, out, `endpoint: "nowhere" is not host:port`)
}
