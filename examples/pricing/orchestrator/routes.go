package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/seamtel/seam/sdk-go/rollout"
)

// via is how a Rust call crosses the boundary.
type via uint8

const (
	viaFFI via = iota
	viaHTTP
	viaGRPC
)

// remote is the service kind of via an operation can take besides the FFI:
// fingerprint over http, quote over grpc.
var remote = map[string]via{opFingerprint: viaHTTP, opQuote: viaGRPC}

// prefix is how a route names via: http or grpc.
func (v via) prefix() string {
	switch v {
	case viaHTTP:
		return "http"
	case viaGRPC:
		return "grpc"
	}
	return ""
}

// route is one operation's routing: its rollout route (the mode and the
// candidate's share, which live in the flag provider) and how Rust is
// reached.
type route struct {
	rollout.Route
	via via
}

// operations the routes name, and their seam.operation.
const (
	opQuote       = "quote"
	opFingerprint = "fingerprint"
)

var operationOf = map[string]string{opQuote: operationQuote, opFingerprint: operationFingerprint}

// String is the form parseRoute reads: go, rust, a percentage, or a
// rollout route (shadow, canary:25), with http: in front for fingerprint
// over HTTP and grpc: for quote over gRPC.
func (r route) String() string {
	var s string
	switch {
	case r.Mode == rollout.Baseline:
		return "go"
	case r.Mode == rollout.Candidate:
		s = "rust"
		if r.via != viaFFI {
			return r.via.prefix()
		}
	case r.Mode == rollout.Canary:
		s = strconv.FormatFloat(r.Percent, 'f', -1, 64)
	default:
		s = r.Route.String()
	}
	if r.via != viaFFI {
		return r.via.prefix() + ":" + s
	}
	return s
}

// parseRoute reads one operation's route: go (the baseline), rust (the
// candidate), a percentage 0-100 sent to Rust (a sticky canary), or any
// rollout route: baseline, shadow, shadow:PCT, canary:PCT, candidate.
// fingerprint also takes http (all Rust, over HTTP) and http: before any
// of the others (that route, over HTTP); quote the same with grpc.
func parseRoute(op, value string) (route, error) {
	v := strings.TrimSpace(value)
	r := route{}
	if via, ok := remote[op]; ok {
		if v == via.prefix() {
			return route{Route: rollout.Route{Mode: rollout.Candidate, Percent: 100}, via: via}, nil
		}
		if rest, ok := strings.CutPrefix(v, via.prefix()+":"); ok {
			v, r.via = rest, via
		}
	}
	switch v {
	case "go":
		v = "baseline"
	case "rust":
		v = "candidate"
	}
	if pct, err := strconv.ParseFloat(v, 64); err == nil {
		switch pct {
		case 0:
			v = "baseline"
		case 100:
			v = "candidate"
		default:
			v = "canary:" + v
		}
	}
	routes, err := rollout.ParseSpec(operationOf[op] + "=" + v)
	if err != nil {
		want := "go, rust, a percentage 0-100, shadow, shadow:PCT or canary:PCT"
		if via, ok := remote[op]; ok {
			want += ", each optionally after " + via.prefix() + ":, or " + via.prefix()
		}
		return route{}, fmt.Errorf("route %s=%q: want %s", op, value, want)
	}
	r.Route = routes[operationOf[op]]
	if r.Mode == rollout.Baseline {
		r.via = viaFFI
	}
	return r, nil
}

// routes is the routing of both operations.
type routes struct {
	quote, fingerprint route
}

// set parses and sets one operation's route.
func (rs *routes) set(op, value string) error {
	if _, ok := operationOf[op]; !ok {
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
	return rs.fingerprint.via == viaHTTP && rs.fingerprint.Mode != rollout.Baseline
}

// usesGRPC says whether any request could be sent to pricing-service's gRPC
// face.
func (rs routes) usesGRPC() bool {
	return rs.quote.via == viaGRPC && rs.quote.Mode != rollout.Baseline
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
