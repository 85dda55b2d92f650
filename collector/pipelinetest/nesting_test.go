package pipelinetest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"

	"github.com/seamtel/seam/collector/internal/hostile"
)

// rawCodec sends bytes the test already encoded.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = data
	return nil
}
func (rawCodec) Name() string { return "proto" }

var _ encoding.Codec = rawCodec{}

func postLogs(t *testing.T, c *running, body []byte, contentType string, gzipped bool) (int, string) {
	t.Helper()
	if gzipped {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = zw.Write(body)
		require.NoError(t, zw.Close())
		body = b.Bytes()
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+c.OTLPHTTP+"/v1/logs", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(msg)
}

// A request whose values nest a million levels deep used to overflow the
// decoder's stack and take the process, and every signal, down. The guard
// refuses it before it is decoded, over both transports and both
// encodings, and the collector goes on serving.
func TestNestingBombIsRefused(t *testing.T) {
	c := startCollector(t, func(r *running) { r.MaxBodyBytes, r.MaxRecvMiB = 64<<20, 64 })
	bomb := hostile.KVListBomb(1_000_000)
	t.Logf("the bomb: %.1f MB of protobuf", float64(len(bomb))/1e6)

	t.Run("OTLP/HTTP protobuf, gzipped", func(t *testing.T) {
		code, msg := postLogs(t, c, bomb, "application/x-protobuf", true)
		assert.Equal(t, http.StatusBadRequest, code, msg)
		assert.Contains(t, msg, "max_nesting_depth 128")
		stillServes(t, c, "after-proto-bomb")
	})
	t.Run("OTLP/HTTP JSON", func(t *testing.T) {
		code, msg := postLogs(t, c, hostile.JSONKVListBomb(200_000), "application/json", false)
		assert.Equal(t, http.StatusBadRequest, code, msg)
		assert.Contains(t, msg, "max_nesting_depth 128")
		stillServes(t, c, "after-json-bomb")
	})
	t.Run("OTLP/HTTP JSON that is not UTF-8", func(t *testing.T) {
		// The receiver's own error quotes the bad bytes and then fails to
		// encode itself, answering 500.
		body := []byte("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"x\xff\",\"gauge\":{\"dataPoints\":[{\"asInt\":\"a\xffb\"}]}}]}]}]}")
		req, err := http.NewRequest(http.MethodPost, "http://"+c.OTLPHTTP+"/v1/metrics", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, string(msg))
		assert.Contains(t, string(msg), "not valid UTF-8")
		stillServes(t, c, "after-bad-utf8")
	})
	t.Run("OTLP/gRPC", func(t *testing.T) {
		conn, err := grpc.NewClient(c.OTLPGRPC, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallSendMsgSize(64<<20)))
		require.NoError(t, err)
		defer conn.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var reply []byte
		err = conn.Invoke(ctx, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", bomb, &reply)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "max_nesting_depth 128")
		// A request within the limit goes through.
		err = conn.Invoke(ctx, "/opentelemetry.proto.collector.logs.v1.LogsService/Export", hostile.KVListBomb(10), &reply)
		assert.NoError(t, err)
		stillServes(t, c, "after-grpc-bomb")
	})
}
