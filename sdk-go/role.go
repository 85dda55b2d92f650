package seam

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"

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
func WithRole(ctx context.Context, role Role) context.Context {
	if role >= numRoles {
		return ctx
	}
	return context.WithValue(ctx, roleKey{}, role)
}

// RoleFrom returns the role set by WithRole, or RoleBaseline.
func RoleFrom(ctx context.Context) Role {
	if r, ok := ctx.Value(roleKey{}).(Role); ok {
		return r
	}
	return RoleBaseline
}
