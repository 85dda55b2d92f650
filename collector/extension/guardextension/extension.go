package guardextension

import (
	"bytes"
	"context"
	"errors"
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
	"google.golang.org/grpc/tap"

	"github.com/seamtel/seam/collector/extension/guardextension/internal/metadata"
)

// Why a request was refused: the reason attribute of refused_requests.
const (
	reasonNesting     = "nesting"
	reasonUTF8        = "utf8"
	reasonBodySize    = "body_size"
	reasonInFlight    = "in_flight_bytes"
	reasonConcurrency = "concurrency"
)

// readChunk is how much of a body is reserved from the in-flight budget
// at a time, so a large body is refused before it is all in memory.
const readChunk = 64 << 10

// guard is a server middleware for the OTLP receiver's HTTP and gRPC
// servers. It refuses a request before the receiver decodes it when its
// values nest too deep (pdata's decoders recurse, and a million nested
// key-value lists overflow the stack and crash the process), and when it
// would pass the bounds on bytes and requests in flight (decoded requests
// take memory before memory_limiter sees them).
type guard struct {
	cfg      *Config
	refused  metric.Int64Counter
	inFlight budget
	requests budget
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
	return &guard{
		cfg: cfg, refused: refused,
		inFlight: budget{limit: cfg.MaxInFlightBytes},
		requests: budget{limit: cfg.MaxConcurrentRequests},
	}, nil
}

func (g *guard) Start(context.Context, component.Host) error { return nil }
func (g *guard) Shutdown(context.Context) error              { return nil }

func (g *guard) count(ctx context.Context, reason, transport string) {
	g.refused.Add(ctx, 1, metric.WithAttributes(attribute.String("reason", reason), attribute.String("transport", transport)))
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
			if !g.requests.take(1) {
				r.Body.Close()
				g.count(r.Context(), reasonConcurrency, "http")
				refuse(w, http.StatusServiceUnavailable, fmt.Sprintf("request refused: %d requests in flight (seam_guard max_concurrent_requests); retry later", g.cfg.MaxConcurrentRequests))
				return
			}
			defer g.requests.give(1)
			body, held, err := g.read(r.Body)
			defer g.inFlight.give(held)
			r.Body.Close()
			if err != nil {
				g.refuseRead(w, r, err)
				return
			}
			check := checkProto
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				// JSON is UTF-8; the receiver's error for a bad value quotes
				// the bytes around it, and fails to encode them (answering 500,
				// "failed to marshal error message") when they are not.
				if at := invalidUTF8(body); at >= 0 {
					g.count(r.Context(), reasonUTF8, "http")
					http.Error(w, fmt.Sprintf("request refused: the JSON body is not valid UTF-8 (at byte %d)", at), http.StatusBadRequest)
					return
				}
				check = checkJSON
			}
			if err := check(body, g.cfg.MaxNestingDepth); err != nil {
				g.count(r.Context(), reasonNesting, "http")
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			next.ServeHTTP(w, r)
		}), nil
	}, nil
}

// errInFlight is a body refused because the bytes in flight would pass
// max_in_flight_bytes.
var errInFlight = errors.New("in-flight bytes")

// read reads body, reserving its bytes from the in-flight budget as they
// come; held is what was reserved, to give back once the request is done.
func (g *guard) read(body io.Reader) (b []byte, held int64, err error) {
	var buf bytes.Buffer
	for {
		if !g.inFlight.take(readChunk) {
			return nil, held, errInFlight
		}
		held += readChunk
		n, err := io.CopyN(&buf, body, readChunk)
		if err == io.EOF {
			// Give back the part of the last chunk the body did not fill.
			g.inFlight.give(readChunk - n)
			held -= readChunk - n
			return buf.Bytes(), held, nil
		}
		if err != nil {
			return nil, held, err
		}
	}
}

func (g *guard) refuseRead(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, errInFlight):
		g.count(r.Context(), reasonInFlight, "http")
		refuse(w, http.StatusServiceUnavailable, fmt.Sprintf("request refused: %d bytes of requests in flight (seam_guard max_in_flight_bytes); retry later", g.cfg.MaxInFlightBytes))
	case errors.As(err, &tooLarge):
		g.count(r.Context(), reasonBodySize, "http")
		http.Error(w, fmt.Sprintf("request refused: the body is larger than %d bytes decompressed (max_request_body_size)", tooLarge.Limit), http.StatusRequestEntityTooLarge)
	default:
		http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
	}
}

// refuse answers a retryable refusal: OTLP clients retry 503 after
// Retry-After.
func refuse(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, msg, code)
}

// GetGRPCServerOptions replaces the server's codec with one that checks
// the message's bytes before the codec it wraps decodes them, and bounds
// the requests in flight. The bound is taken when a request's headers
// arrive, before gRPC reads its message (at most max_recv_msg_size_mib),
// so over gRPC the bytes in flight are bounded by that times
// max_concurrent_requests.
func (g *guard) GetGRPCServerOptions(context.Context) ([]grpc.ServerOption, error) {
	inner := encoding.GetCodecV2("proto")
	if inner == nil {
		return nil, fmt.Errorf("seam_guard: no proto codec registered")
	}
	return []grpc.ServerOption{
		grpc.ForceServerCodecV2(guardCodec{inner: inner, g: g}),
		grpc.InTapHandle(g.tap),
	}, nil
}

// tap takes a request slot for a new stream, or refuses the stream before
// its message is read. The slot is given back when the stream's context
// ends, which it does on every path: answered, failed, reset or timed out.
func (g *guard) tap(ctx context.Context, _ *tap.Info) (context.Context, error) {
	if !g.requests.take(1) {
		g.count(ctx, reasonConcurrency, "grpc")
		return nil, status.Errorf(codes.Unavailable, "request refused: %d requests in flight (seam_guard max_concurrent_requests); retry later", g.cfg.MaxConcurrentRequests)
	}
	context.AfterFunc(ctx, func() { g.requests.give(1) })
	return ctx, nil
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
		c.g.count(context.Background(), reasonNesting, "grpc")
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return c.inner.Unmarshal(data, v)
}
