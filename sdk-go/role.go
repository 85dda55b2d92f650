package seam

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/baggage"

	"github.com/seamtel/seam/sdk-go/semconv"
)

// Role is the part an implementation plays in a migration (seam.role).
type Role uint8

// The roles of the schema. The zero Role is Baseline, the Go default.
const (
	RoleBaseline Role = iota
	RoleCandidate
	RoleShadow
	// RoleFallback is the baseline serving a call the candidate failed, so
	// that fallback runs never mix with the baseline's own traffic.
	RoleFallback
	numRoles
)

var roleAttrs = [numRoles]attribute.KeyValue{
	RoleBaseline:  semconv.SeamRoleBaseline,
	RoleCandidate: semconv.SeamRoleCandidate,
	RoleShadow:    semconv.SeamRoleShadow,
	RoleFallback:  semconv.SeamRoleFallback,
}

// String returns the schema value: "baseline", "candidate", "shadow" or "fallback".
func (r Role) String() string {
	if r < numRoles {
		return roleAttrs[r].Value.AsString()
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// ParseRole returns the Role whose schema value is s.
func ParseRole(s string) (Role, error) {
	for r, kv := range roleAttrs {
		if kv.Value.AsString() == s {
			return Role(r), nil
		}
	}
	return 0, fmt.Errorf("unknown role %q (want baseline, candidate, shadow or fallback)", s)
}

type roleKey struct{}

// WithRole returns a context whose operations record role as seam.role.
// The role also rides in the context's baggage (seam.role), so the
// implementations it calls across HTTP, gRPC and queues record it too: a
// shadow call's downstream work is shadow work. Seam's ingress points
// (seamhttp.Handler, seamgrpc's server interceptors, Extract) adopt it.
func WithRole(ctx context.Context, role Role) context.Context {
	if role >= numRoles {
		return ctx
	}
	ctx = context.WithValue(ctx, roleKey{}, role)
	if m, err := baggage.NewMemberRaw(string(semconv.SeamRoleKey), role.String()); err == nil {
		if b, err := baggage.FromContext(ctx).SetMember(m); err == nil {
			ctx = baggage.ContextWithBaggage(ctx, b)
		}
	}
	return ctx
}

// RoleFrom returns the role set by WithRole, or RoleBaseline.
func RoleFrom(ctx context.Context) Role {
	r, _ := LookupRole(ctx)
	return r
}

// LookupRole returns the role set by WithRole, or adopted at ingress from
// the caller's baggage (see EnsureCorrelationID), and whether there was one.
func LookupRole(ctx context.Context) (Role, bool) {
	r, ok := ctx.Value(roleKey{}).(Role)
	return r, ok
}

// adoptRole makes the seam.role in ctx's baggage, the caller's, the role
// of ctx. Ingress does it once per request, so an operation reads one
// context value rather than the baggage; an unknown value is ignored.
func adoptRole(ctx context.Context) context.Context {
	if _, ok := LookupRole(ctx); ok {
		return ctx
	}
	if v := baggage.FromContext(ctx).Member(string(semconv.SeamRoleKey)).Value(); v != "" {
		if r, err := ParseRole(v); err == nil {
			return context.WithValue(ctx, roleKey{}, r)
		}
	}
	return ctx
}
