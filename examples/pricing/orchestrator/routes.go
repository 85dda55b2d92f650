package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// via is how a Rust call crosses the boundary.
type via uint8

const (
	viaFFI via = iota
	viaHTTP
)

// route decides, per request, which implementation serves one operation:
// Rust for rustPercent of the requests (through via), Go for the rest.
type route struct {
	rustPercent int
	via         via
}

// String is the form parseRoute reads.
func (r route) String() string {
	prefix := ""
	if r.via == viaHTTP {
		if r.rustPercent == 100 {
			return "http"
		}
		prefix = "http:"
	}
	switch r.rustPercent {
	case 0:
		return "go"
	case 100:
		return "rust"
	}
	return prefix + strconv.Itoa(r.rustPercent)
}

// pick rolls for one request: true means Rust serves.
func (r route) pick() bool {
	return r.rustPercent >= 100 || r.rustPercent > 0 && rand.IntN(100) < r.rustPercent
}

// operations the routes name.
const (
	opQuote       = "quote"
	opFingerprint = "fingerprint"
)

// parseRoute reads one operation's route: go, rust, or a percentage 0-100
// routed to Rust; fingerprint also takes http (all Rust, over HTTP) and
// http:PCT (that share of Rust, over HTTP).
func parseRoute(op, value string) (route, error) {
	v := strings.TrimSpace(value)
	r := route{}
	if op == opFingerprint {
		if v == "http" {
			return route{rustPercent: 100, via: viaHTTP}, nil
		}
		if pct, ok := strings.CutPrefix(v, "http:"); ok {
			v, r.via = pct, viaHTTP
		}
	}
	switch v {
	case "go":
		return route{}, nil
	case "rust":
		r.rustPercent = 100
		return r, nil
	}
	pct, err := strconv.Atoi(v)
	if err != nil || pct < 0 || pct > 100 {
		want := "go, rust or a percentage 0-100"
		if op == opFingerprint {
			want = "go, rust, http, a percentage 0-100 or http:PERCENT"
		}
		return route{}, fmt.Errorf("route %s=%q: want %s", op, value, want)
	}
	r.rustPercent = pct
	return r, nil
}

// routes is the routing of both operations.
type routes struct {
	quote, fingerprint route
}

// set parses and sets one operation's route.
func (rs *routes) set(op, value string) error {
	switch op {
	case opQuote, opFingerprint:
	default:
		return fmt.Errorf("route %q: unknown operation (want quote or fingerprint)", op)
	}
	r, err := parseRoute(op, value)
	if err != nil {
		return err
	}
	if op == opQuote {
		rs.quote = r
	} else {
		rs.fingerprint = r
	}
	return nil
}

// overridden applies a comma-separated list of op=route, the form of the
// X-Seam-Route header (quote=rust,fingerprint=http), over rs.
func (rs routes) overridden(list string) (routes, error) {
	for _, part := range strings.Split(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		op, value, ok := strings.Cut(part, "=")
		if !ok {
			return rs, fmt.Errorf("route %q: want operation=route", part)
		}
		if err := rs.set(strings.TrimSpace(op), value); err != nil {
			return rs, err
		}
	}
	return rs, nil
}

// usesHTTP says whether any request could be sent to pricing-service.
func (rs routes) usesHTTP() bool {
	return rs.fingerprint.via == viaHTTP && rs.fingerprint.rustPercent > 0
}

// routeFlag collects repeated --route op=value flags.
type routeFlag struct{ rs *routes }

func (f routeFlag) String() string {
	if f.rs == nil {
		return ""
	}
	return fmt.Sprintf("quote=%s,fingerprint=%s", f.rs.quote, f.rs.fingerprint)
}

func (f routeFlag) Set(v string) error {
	next, err := f.rs.overridden(v)
	if err != nil {
		return err
	}
	*f.rs = next
	return nil
}
