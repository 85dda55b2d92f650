package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	seam "github.com/seamtel/seam/sdk-go"
	"github.com/seamtel/seam/sdk-go/seamhttp"

	"github.com/seamtel/seam/examples/pricing/faults"
	"github.com/seamtel/seam/examples/pricing/ffi"
	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/examples/pricing/queue"
	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/rollout/flags"
)

const (
	// routeHeader overrides the routing for one request: quote=rust,fingerprint=http.
	routeHeader = "X-Seam-Route"
	// correlationHeader echoes the request's seam.correlation_id.
	correlationHeader = "X-Correlation-ID"
	maxBody           = 1 << 20
)

// The implementations a response names.
const (
	implGo       = "go"
	implRust     = "rust"
	implRustFFI  = "rust-ffi"
	implRustHTTP = "rust-http"
	implRustGRPC = "rust-grpc"
)

// server is the orchestrator's HTTP API: the pricing endpoint, the admin
// endpoints that change routing and faults at run time, and /healthz.
type server struct {
	log            *slog.Logger
	baseline       baseline
	rust           *ffi.Lib
	service        *serviceClient   // nil without --pricing-service
	grpc           *grpcClient      // nil without --pricing-grpc
	receipts       *queue.Publisher // nil without --nats or --nats-listen
	requestTimeout time.Duration

	// The rollouts route each operation by the flags' mode and share;
	// flags holds them (SEAM_ROLLOUT, SEAM_ROLLOUT_FILE, --route and
	// POST /admin/routes).
	flags        *flags.Env
	quotes       *rollout.Rollout[rustCall, pricing.Quote]
	fingerprints *rollout.Rollout[rustCall, string]

	mu             sync.Mutex // guards quoteVia, fingerprintVia and faults
	quoteVia       via
	fingerprintVia via
	faults         faults.Faults
}

// rustCall is one call of an operation: the basket, and how to reach Rust
// for it (with the faults pricing-service is to apply).
type rustCall struct {
	basket *pricing.Basket
	via    via
	faults faults.Faults
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /quote", seamhttp.Handler(http.HandlerFunc(s.quote), "POST /quote"))
	mux.Handle("POST /admin/routes", seamhttp.Handler(http.HandlerFunc(s.setRoutes), "POST /admin/routes"))
	mux.Handle("POST /admin/faults", seamhttp.Handler(http.HandlerFunc(s.setFaults), "POST /admin/faults"))
	// Health checks are polled often and carry no business request: no
	// span, no correlation ID.
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	return mux
}

// current is the routing the flags give now, with the orchestrator's own
// part (fingerprint's via), and the faults.
func (s *server) current() (routes, faults.Faults) {
	s.mu.Lock()
	quoteVia, fingerprintVia, fs := s.quoteVia, s.fingerprintVia, s.faults
	s.mu.Unlock()
	served := s.flags.Routes()
	rs := routes{quote: route{Route: served[operationQuote], via: quoteVia}, fingerprint: route{Route: served[operationFingerprint], via: fingerprintVia}}
	for _, r := range []*route{&rs.quote, &rs.fingerprint} {
		if r.Mode == rollout.Baseline {
			r.via = viaFFI
		}
	}
	return rs, fs
}

type quoteResponse struct {
	TotalCents  int64             `json:"total_cents"`
	Fingerprint string            `json:"fingerprint"`
	Impl        map[string]string `json:"impl"`
	// Fallbacks names the operations the Go fallback served after Rust
	// failed; omitted when none did.
	Fallbacks []string `json:"fallbacks,omitempty"`
}

// quote serves POST /quote: the basket's total and fingerprint, each from
// the implementation its route picks.
func (s *server) quote(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.requestTimeout)
	defer cancel()
	w.Header().Set(correlationHeader, seam.CorrelationID(ctx))

	rs, fs := s.current()
	override := r.Header.Get(routeHeader)
	if override != "" {
		var err error
		if rs, err = rs.overridden(override); err != nil {
			s.fail(ctx, w, http.StatusBadRequest, fmt.Errorf("%s: %w", routeHeader, err))
			return
		}
	}
	if err := s.reachable(rs); err != nil {
		s.fail(ctx, w, http.StatusBadRequest, err)
		return
	}
	basket, err := pricing.Decode(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.fail(ctx, w, http.StatusBadRequest, err)
		return
	}

	resp := quoteResponse{Impl: map[string]string{}}
	// With an override, the header's routes serve this request alone.
	var quoteRoute, fingerprintRoute *rollout.Route
	if override != "" {
		quoteRoute, fingerprintRoute = &rs.quote.Route, &rs.fingerprint.Route
	}
	rustQuote := implRust
	if rs.quote.via == viaGRPC {
		rustQuote = implRustGRPC
	}
	q, served, err := s.quotes.DoWith(ctx, rustCall{basket: &basket, via: rs.quote.via, faults: fs}, quoteRoute)
	resp.record(opQuote, served, rustQuote)
	if err != nil {
		s.failOperation(ctx, w, operationQuote, err)
		return
	}
	resp.TotalCents = q.TotalCents

	rustFingerprint := implRustFFI
	if rs.fingerprint.via == viaHTTP {
		rustFingerprint = implRustHTTP
	}
	resp.Fingerprint, served, err = s.fingerprints.DoWith(ctx, rustCall{basket: &basket, via: rs.fingerprint.via, faults: fs}, fingerprintRoute)
	resp.record(opFingerprint, served, rustFingerprint)
	if err != nil {
		s.failOperation(ctx, w, operationFingerprint, err)
		return
	}

	level := slog.LevelInfo
	if len(resp.Fallbacks) > 0 {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "quote served",
		slog.Int64("total_cents", resp.TotalCents),
		slog.String("impl.quote", resp.Impl[opQuote]),
		slog.String("impl.fingerprint", resp.Impl[opFingerprint]),
		slog.String("fallbacks", strings.Join(resp.Fallbacks, ",")))
	if s.receipts != nil {
		s.publishReceipt(ctx, basket, resp.TotalCents)
	}
	writeJSON(w, http.StatusOK, resp)
}

// record notes who served op: rust (as rustImpl names it), or Go, as the
// baseline or as the fallback after Rust failed.
func (r *quoteResponse) record(op string, served rollout.Served, rustImpl string) {
	impl := implGo
	switch {
	case served.FellBack:
		r.Fallbacks = append(r.Fallbacks, op)
	case served.Candidate:
		impl = rustImpl
	}
	r.Impl[op] = impl
}

// failOperation answers for an operation that failed in every
// implementation tried.
func (s *server) failOperation(ctx context.Context, w http.ResponseWriter, op string, err error) {
	status := http.StatusBadGateway
	var invalid *pricing.InvalidBasketError
	switch {
	case errors.As(err, &invalid):
		status = http.StatusBadRequest
	case errors.Is(err, context.DeadlineExceeded):
		status = http.StatusGatewayTimeout
	}
	s.fail(ctx, w, status, fmt.Errorf("%s: %w", op, err))
}

func (s *server) fail(ctx context.Context, w http.ResponseWriter, status int, err error) {
	s.log.WarnContext(ctx, "request failed", slog.Int("http.response.status_code", status), slog.String("error", err.Error()))
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// adminState is what the admin endpoints answer with.
type adminState struct {
	Routes map[string]string `json:"routes"`
	Faults string            `json:"faults"`
	// Tripped names the operations the kill switch holds on Go.
	Tripped []string `json:"tripped,omitempty"`
}

func (s *server) state() adminState {
	rs, fs := s.current()
	st := adminState{
		Routes: map[string]string{opQuote: rs.quote.String(), opFingerprint: rs.fingerprint.String()},
		Faults: fs.String(),
	}
	if _, tripped := s.quotes.Route(); tripped {
		st.Tripped = append(st.Tripped, opQuote)
	}
	if _, tripped := s.fingerprints.Route(); tripped {
		st.Tripped = append(st.Tripped, opFingerprint)
	}
	return st
}

// setRoutes serves POST /admin/routes?quote=shadow&fingerprint=http:50:
// the modes and shares go to the flag provider, which every rollout
// follows at once; fingerprint's via is the orchestrator's own. Naming an
// operation re-enables it if the kill switch had tripped.
func (s *server) setRoutes(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	next, _ := s.current()
	var err error
	for op, values := range r.URL.Query() {
		for _, v := range values {
			if err == nil {
				err = next.set(op, v)
			}
		}
	}
	if err == nil {
		err = s.reachable(next)
	}
	if err == nil {
		err = s.apply(next)
	}
	if err != nil {
		s.fail(ctx, w, http.StatusBadRequest, err)
		return
	}
	// Setting an operation's route is the operator's word: it re-enables
	// a rollout the kill switch tripped, even on the same route.
	if r.URL.Query().Has(opQuote) {
		s.quotes.Refresh(ctx)
		s.quotes.Reset(ctx)
	}
	if r.URL.Query().Has(opFingerprint) {
		s.fingerprints.Refresh(ctx)
		s.fingerprints.Reset(ctx)
	}
	state := s.state()
	s.log.InfoContext(ctx, "routes set", slog.String("routes", rsString(state.Routes)))
	writeJSON(w, http.StatusOK, state)
}

// reachable says what rs needs that the orchestrator was not given.
func (s *server) reachable(rs routes) error {
	switch {
	case rs.usesHTTP() && s.service == nil:
		return errors.New("fingerprint over http needs the orchestrator's --pricing-service")
	case rs.usesGRPC() && s.grpc == nil:
		return errors.New("quote over grpc needs the orchestrator's --pricing-grpc")
	}
	return nil
}

// apply installs rs: the rollout routes in the flag provider, the via here.
func (s *server) apply(rs routes) error {
	s.mu.Lock()
	s.quoteVia, s.fingerprintVia = rs.quote.via, rs.fingerprint.via
	s.mu.Unlock()
	if err := s.flags.Set(operationQuote, rs.quote.Route); err != nil {
		return err
	}
	return s.flags.Set(operationFingerprint, rs.fingerprint.Route)
}

// setFaults serves POST /admin/faults?panic=0.2&slow=0&slow_ms=50: the
// Rust side in this process gets them through the FFI setter,
// pricing-service with each request.
func (s *server) setFaults(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	installed, status, err := s.installFaults(ctx, r.URL.Query())
	if err != nil {
		s.fail(ctx, w, status, err)
		return
	}
	s.log.InfoContext(ctx, "faults set", slog.String("faults", installed.String()))
	writeJSON(w, http.StatusOK, s.state())
}

// installFaults applies the query's faults over the current ones, in Rust
// and here, under s.mu so that two admin calls cannot interleave.
func (s *server) installFaults(ctx context.Context, query url.Values) (faults.Faults, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := s.faults
	for key, values := range query {
		for _, v := range values {
			if err := next.Set(key, v); err != nil {
				return next, http.StatusBadRequest, err
			}
		}
	}
	installed, err := s.rust.SetFaults(ctx, next)
	if err != nil {
		return next, http.StatusBadGateway, err
	}
	s.faults = installed
	return installed, http.StatusOK, nil
}

// rsString writes routes as the --route flag and X-Seam-Route header take them.
func rsString(routes map[string]string) string {
	return opQuote + "=" + routes[opQuote] + "," + opFingerprint + "=" + routes[opFingerprint]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
