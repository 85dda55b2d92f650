package seam

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"time"

	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"

	"github.com/seamtel/seam/sdk-go/internal/correlation"
	"github.com/seamtel/seam/sdk-go/semconv"
)

// maxCorrelationIDLen bounds an ID so a hostile header cannot inflate every
// log line and span that carries it.
const maxCorrelationIDLen = 128

// CorrelationID returns the business-level request ID that ctx carries in
// its W3C baggage (seam.correlation_id), or "" when there is none.
func CorrelationID(ctx context.Context) string {
	return correlation.ID(ctx)
}

// WithCorrelationID returns a context whose baggage carries id, so every
// log line, outgoing request and message made with it carries id too. An
// empty or malformed id (longer than 128 bytes, or with characters outside
// printable ASCII or among `"`, `,`, `;`, `\`) leaves ctx unchanged.
func WithCorrelationID(ctx context.Context, id string) context.Context {
	if !validCorrelationID(id) {
		return ctx
	}
	m, err := baggage.NewMemberRaw(semconv.CorrelationBaggageKey, id)
	if err != nil {
		return ctx
	}
	b, err := baggage.FromContext(ctx).SetMember(m)
	if err != nil {
		return ctx
	}
	return correlation.With(baggage.ContextWithBaggage(ctx, b), id)
}

// EnsureCorrelationID is for ingress points (a request or message entering
// the system): it keeps the ID ctx already carries and mints one only when
// there is none, and adopts the caller's seam.role from the baggage (see
// WithRole). It never touches trace IDs: those come from the incoming
// trace context or from a new span, never from here.
func EnsureCorrelationID(ctx context.Context) (context.Context, string) {
	ctx = adoptRole(ctx)
	if id := correlation.FromBaggage(ctx); id != "" {
		if correlation.ID(ctx) != id {
			ctx = correlation.With(ctx, id)
		}
		return ctx, id
	}
	id := NewCorrelationID()
	ctx = WithCorrelationID(ctx, id)
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.SetAttributes(semconv.SeamCorrelationID(id))
	}
	return ctx, id
}

func validCorrelationID(id string) bool {
	if id == "" || len(id) > maxCorrelationIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c <= ' ' || c >= 0x7f, c == '"', c == ',', c == ';', c == '\\':
			return false
		}
	}
	return true
}

// crockford is the ULID alphabet: no I, L, O or U, so IDs read aloud safely.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCorrelationID mints a ULID: 26 characters that sort by creation time
// (48 bits of milliseconds) and are unique by 80 random bits.
func NewCorrelationID() string {
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(raw[6:]) // crypto/rand.Read never fails on supported platforms
	hi := binary.BigEndian.Uint64(raw[:8])
	lo := binary.BigEndian.Uint64(raw[8:])
	// 26 base-32 digits hold 130 bits: the 128-bit value, read from the
	// least significant end five bits at a time.
	var out [26]byte
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
