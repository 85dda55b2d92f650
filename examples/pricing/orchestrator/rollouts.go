package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/open-feature/go-sdk/openfeature"

	"github.com/seamtel/seam/examples/pricing/pricing"
	"github.com/seamtel/seam/sdk-go/rollout"
	"github.com/seamtel/seam/sdk-go/rollout/flags"
)

// startRollouts routes both operations through sdk-go/rollout. The flags
// come from SEAM_ROLLOUT and SEAM_ROLLOUT_FILE, then --route, then POST
// /admin/routes, all served by one provider that the rollouts follow
// through OpenFeature. The returned function stops them.
func (s *server) startRollouts(o options, log *slog.Logger) (func(), error) {
	p, err := flags.FromEnv(flags.EnvOptions{Logger: log})
	if err != nil {
		return nil, err
	}
	s.flags = p
	if o.routesSet {
		if err := s.apply(o.routes); err != nil {
			p.Close()
			return nil, fmt.Errorf("--route: %w", err)
		}
	}
	if err := openfeature.SetProviderAndWait(p); err != nil {
		p.Close()
		return nil, fmt.Errorf("flag provider: %w", err)
	}
	client := openfeature.NewDefaultClient()

	// The rollout serves the Go fallback; it is counted at the boundary
	// the failed call crossed: the FFI's, or the operation's service
	// crossing (the quote's over gRPC, the fingerprint's over HTTP).
	countAt := func(remote fallbackCounter) func(context.Context, error) {
		return func(ctx context.Context, err error) {
			if !s.rust.CountFallback(ctx, err) && remote != nil {
				remote.CountFallback(ctx, err)
			}
		}
	}
	var quoteRemote, fingerprintRemote fallbackCounter
	if s.grpc != nil {
		quoteRemote = s.grpc.crossing
	}
	if s.service != nil {
		fingerprintRemote = s.service.crossing
	}
	shadow := rollout.ShadowOptions{Timeout: o.rustTimeout}
	s.quotes, err = rollout.New(operationQuote, s.goQuote, s.rustQuote,
		rollout.Options[rustCall, pricing.Quote]{Flags: client, Logger: log, OnFallback: countAt(quoteRemote), Shadow: shadow})
	if err != nil {
		p.Close()
		return nil, err
	}
	s.fingerprints, err = rollout.New(operationFingerprint, s.goFingerprint, s.rustFingerprint,
		rollout.Options[rustCall, string]{Flags: client, Logger: log, OnFallback: countAt(fingerprintRemote), Shadow: shadow})
	if err != nil {
		s.quotes.Close()
		p.Close()
		return nil, err
	}
	return func() {
		s.quotes.Close()
		s.fingerprints.Close()
		p.Close()
		openfeature.Shutdown()
	}, nil
}

func (s *server) goQuote(ctx context.Context, c rustCall) (pricing.Quote, error) {
	return s.baseline.quote(ctx, c.basket)
}

// fallbackCounter is a service crossing, which counts the fallbacks its
// failed calls needed.
type fallbackCounter interface {
	CountFallback(ctx context.Context, err error) bool
}

// rustQuote is the candidate of pricing.quote: the staticlib, in process,
// or pricing-service over gRPC.
func (s *server) rustQuote(ctx context.Context, c rustCall) (pricing.Quote, error) {
	if c.via == viaGRPC {
		return s.grpc.quote(ctx, c.basket, c.faults)
	}
	q, _, err := s.rust.Quote(ctx, c.basket)
	return q, err
}

func (s *server) goFingerprint(ctx context.Context, c rustCall) (string, error) {
	return s.baseline.fingerprint(ctx, c.basket)
}

// rustFingerprint is the candidate of pricing.fingerprint: the staticlib,
// or pricing-service over HTTP.
func (s *server) rustFingerprint(ctx context.Context, c rustCall) (string, error) {
	if c.via == viaHTTP {
		return s.service.fingerprint(ctx, c.basket, c.faults)
	}
	hex, _, err := s.rust.Fingerprint(ctx, c.basket)
	return hex, err
}
