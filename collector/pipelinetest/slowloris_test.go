package pipelinetest

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Half-open connections that never finish their headers are closed by the
// read-header timeout, so they cannot hold the receiver's file
// descriptors, and a well-behaved client is served all the while.
func TestHalfOpenConnectionsAreClosed(t *testing.T) {
	c := startCollector(t)
	const held = 200
	conns := make([]net.Conn, 0, held)
	t.Cleanup(func() {
		for _, conn := range conns {
			conn.Close()
		}
	})
	for range held {
		conn, err := net.Dial("tcp", c.OTLPHTTP)
		require.NoError(t, err)
		// Headers begun, never finished.
		_, err = conn.Write([]byte("POST /v1/logs HTTP/1.1\r\nHost: collector\r\nContent-Type: application/x-protobuf\r\n"))
		require.NoError(t, err)
		conns = append(conns, conn)
	}
	code, msg := postMetrics(t, c, panicsBatch("canary", "while-held"), nil)
	assert.Equal(t, http.StatusOK, code, "a well-behaved client is served while %d connections hang: %s", held, msg)

	// The test configuration's read_header_timeout is 2s.
	closed := 0
	deadline := time.Now().Add(10 * time.Second)
	for _, conn := range conns {
		_ = conn.SetReadDeadline(deadline)
		buf := make([]byte, 512)
		for {
			_, err := conn.Read(buf)
			if errors.Is(err, io.EOF) || (err != nil && !isTimeout(err)) {
				closed++
				break
			}
			if err != nil {
				break // still open at the deadline
			}
		}
	}
	assert.Equal(t, held, closed, "half-open connections the collector closed")
	stillServes(t, c, "after-slowloris")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
