package otlplog

import (
	"context"
	"io"
	"net"
	"sync"
)

// copyingConn copies request bodies onto its connection through pooled
// buffers. The HTTP transport writes a body of known length through an
// io.LimitedReader, which a TCP connection's ReadFrom copies with a
// buffer of up to 32 KiB allocated per request: at a request every few
// hundred log records that buffer was most of what exporting them
// allocated.
type copyingConn struct {
	net.Conn
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (c copyingConn) ReadFrom(r io.Reader) (int64, error) {
	buf := copyBuffers.Get().(*[]byte)
	n, err := io.CopyBuffer(writerOnly{c.Conn}, r, *buf)
	copyBuffers.Put(buf)
	return n, err
}

// writerOnly hides the connection's own ReadFrom from io.CopyBuffer.
type writerOnly struct {
	io.Writer
}

// dialCopying wraps each connection dial makes in a copyingConn.
func dialCopying(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return copyingConn{c}, nil
	}
}
