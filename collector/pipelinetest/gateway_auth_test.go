package pipelinetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// postTraces sends one OTLP/HTTP protobuf traces request with client and
// the Authorization header auth ("" for none).
func postTraces(t *testing.T, client *http.Client, url, auth string, first uint64) (int, string, error) {
	t.Helper()
	body, err := ptraceotlp.NewExportRequestFromTraces(spanBatch(first, 5)).MarshalProto()
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url+"/v1/traces", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-protobuf")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg), nil
}

func tlsClient(cfg *tls.Config) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
}

// The shipped gateway takes OTLP only over TLS with the right bearer token.
func TestGatewayRefusesUnauthenticatedClients(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr)
	https := tlsClient(g.tlsConfig(t, false))

	t.Run("HTTP", func(t *testing.T) {
		code, msg, err := postTraces(t, https, "https://"+g.HTTP, "", 100)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, "no token: %s", msg)
		code, msg, err = postTraces(t, https, "https://"+g.HTTP, "Bearer wrong", 200)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, "wrong token: %s", msg)
		code, msg, err = postTraces(t, https, "https://"+g.HTTP, "Bearer "+g.Token, 300)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, code, "right token over TLS: %s", msg)
		// Plaintext never reaches the receiver.
		code, _, err = postTraces(t, &http.Client{Timeout: 10 * time.Second}, "http://"+g.HTTP, "Bearer "+g.Token, 400)
		if err == nil {
			assert.Equal(t, http.StatusBadRequest, code, "plaintext HTTP to the TLS port")
		}
	})
	t.Run("gRPC", func(t *testing.T) {
		c := g.grpcClient(t, false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req := ptraceotlp.NewExportRequestFromTraces(spanBatch(500, 5))
		_, err := c.Export(ctx, req)
		assert.Equal(t, codes.Unauthenticated, status.Code(err), "no token: %v", err)
		_, err = c.Export(withToken(ctx, "wrong"), req)
		assert.Equal(t, codes.Unauthenticated, status.Code(err), "wrong token: %v", err)
		_, err = c.Export(withToken(ctx, g.Token), ptraceotlp.NewExportRequestFromTraces(spanBatch(600, 5)))
		assert.NoError(t, err, "right token over TLS")
	})
	// Only the authenticated requests reach the upstream.
	up.waitDelivered(t, []uint64{300, 301, 302, 303, 304, 600, 601, 602, 603, 604}, 20*time.Second)
	assert.Equal(t, 10, up.received(), "refused requests must not be forwarded")
}

// With SEAM_TLS_CLIENT_CA the gateway also wants a client certificate.
func TestGatewayMTLSRefusesClientsWithoutACertificate(t *testing.T) {
	up := newUpstream(t)
	up.start(t)
	g := startGateway(t, up.Addr)
	// The CA gateway.yaml trusts for clients is the one that issued them.
	g.proc.Stop(10 * time.Second)
	g.env = append(g.env, "SEAM_TLS_CLIENT_CA="+g.Certs+"/ca.pem")
	g.launch(t)

	_, _, err := postTraces(t, tlsClient(g.tlsConfig(t, false)), "https://"+g.HTTP, "Bearer "+g.Token, 100)
	assert.Error(t, err, "HTTP without a client certificate")
	code, msg, err := postTraces(t, tlsClient(g.tlsConfig(t, true)), "https://"+g.HTTP, "Bearer "+g.Token, 200)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, msg)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = g.grpcClient(t, false).Export(withToken(ctx, g.Token), ptraceotlp.NewExportRequestFromTraces(spanBatch(300, 5)))
	assert.Error(t, err, "gRPC without a client certificate")
	_, err = g.grpcClient(t, true).Export(withToken(ctx, g.Token), ptraceotlp.NewExportRequestFromTraces(spanBatch(400, 5)))
	assert.NoError(t, err)
	up.waitDelivered(t, []uint64{200, 204, 400, 404}, 20*time.Second)
}
