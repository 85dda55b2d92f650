package certs

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteIssuesAChainThatVerifies(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Write(dir, Options{Hosts: []string{"127.0.0.1", "gateway.internal"}}))

	pool := x509.NewCertPool()
	ca, err := os.ReadFile(filepath.Join(dir, CAFile))
	require.NoError(t, err)
	require.True(t, pool.AppendCertsFromPEM(ca))

	server, err := tls.LoadX509KeyPair(filepath.Join(dir, ServerFile), filepath.Join(dir, ServerKeyFile))
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(server.Certificate[0])
	require.NoError(t, err)
	for _, host := range []string{"127.0.0.1", "gateway.internal"} {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		assert.NoError(t, err, host)
	}
	_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "elsewhere.internal"})
	assert.Error(t, err, "the server certificate is valid for its hosts only")

	client, err := tls.LoadX509KeyPair(filepath.Join(dir, ClientFile), filepath.Join(dir, ClientKeyFile))
	require.NoError(t, err)
	cleaf, err := x509.ParseCertificate(client.Certificate[0])
	require.NoError(t, err)
	_, err = cleaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	assert.NoError(t, err)

	info, err := os.Stat(filepath.Join(dir, ServerKeyFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "keys are private")
}

func TestWriteRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	assert.ErrorContains(t, Write(dir, Options{}), "no hosts")
	require.NoError(t, Write(dir, Options{Hosts: []string{"localhost"}}))
	assert.ErrorContains(t, Write(dir, Options{Hosts: []string{"localhost"}}), "ca.pem already exists")
}
