package guardextension

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/extension/extensionmiddleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"

	"github.com/seamtel/seam/collector/extension/guardextension/internal/metadata"
)

// guard is a server middleware for the OTLP receiver's HTTP and gRPC
// servers that refuses a request before the receiver decodes it when its
// values nest too deep: pdata's decoders recurse, and a million nested
// key-value lists overflow the stack and crash the process.
type guard struct {
	cfg     *Config
	refused metric.Int64Counter
}

var (
	_ extensionmiddleware.HTTPServer = (*guard)(nil)
	_ extensionmiddleware.GRPCServer = (*guard)(nil)
)

func newGuard(cfg *Config, set component.TelemetrySettings) (*guard, error) {
	refused, err := set.MeterProvider.Meter(metadata.ScopeName).Int64Counter("seam_guard.refused_requests",
		metric.WithUnit("{request}"),
		metric.WithDescription("Requests the guard refused before decoding, by reason and transport."))
	if err != nil {
		return nil, err
	}
	return &guard{cfg: cfg, refused: refused}, nil
}

func (g *guard) Start(context.Context, component.Host) error { return nil }
func (g *guard) Shutdown(context.Context) error              { return nil }

func (g *guard) count(ctx context.Context, transport string) {
	g.refused.Add(ctx, 1, metric.WithAttributes(attribute.String("reason", "nesting"), attribute.String("transport", transport)))
}

// GetHTTPHandler wraps the receiver's handler: the body it sees is already
// decompressed and bounded by max_request_body_size.
func (g *guard) GetHTTPHandler(context.Context) (extensionmiddleware.WrapHTTPHandlerFunc, error) {
	return func(_ context.Context, next http.Handler) (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body == nil || r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
				return
			}
			check := checkProto
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				// JSON is UTF-8; the receiver's error for a bad value quotes
				// the bytes around it, and fails to encode them (answering 500,
				// "failed to marshal error message") when they are not.
				if at := invalidUTF8(body); at >= 0 {
					g.refused.Add(r.Context(), 1, metric.WithAttributes(attribute.String("reason", "utf8"), attribute.String("transport", "http")))
					http.Error(w, fmt.Sprintf("request refused: the JSON body is not valid UTF-8 (at byte %d)", at), http.StatusBadRequest)
					return
				}
				check = checkJSON
			}
			if err := check(body, g.cfg.MaxNestingDepth); err != nil {
				g.count(r.Context(), "http")
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		}), nil
	}, nil
}

// GetGRPCServerOptions replaces the server's codec with one that checks
// the message's bytes before the codec it wraps decodes them.
func (g *guard) GetGRPCServerOptions(context.Context) ([]grpc.ServerOption, error) {
	inner := encoding.GetCodecV2("proto")
	if inner == nil {
		return nil, fmt.Errorf("seam_guard: no proto codec registered")
	}
	return []grpc.ServerOption{grpc.ForceServerCodecV2(guardCodec{inner: inner, g: g})}, nil
}

type guardCodec struct {
	inner encoding.CodecV2
	g     *guard
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func (c guardCodec) Marshal(v any) (mem.BufferSlice, error) { return c.inner.Marshal(v) }
func (c guardCodec) Name() string                           { return c.inner.Name() }

func (c guardCodec) Unmarshal(data mem.BufferSlice, v any) error {
	buf := data.MaterializeToBuffer(mem.DefaultBufferPool())
	defer buf.Free()
	if err := checkProto(buf.ReadOnlyData(), c.g.cfg.MaxNestingDepth); err != nil {
		c.g.count(context.Background(), "grpc")
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return c.inner.Unmarshal(data, v)
}
