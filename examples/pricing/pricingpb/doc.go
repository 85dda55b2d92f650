// Package pricingpb holds the Go messages and client of pricing-service's
// gRPC face (../proto/pricing.proto): seam.pricing.v1.Pricing/Quote, the
// Rust candidate of pricing.quote over gRPC.
//
// The .pb.go files are generated: after changing the .proto, run go generate
// here with protoc, protoc-gen-go v1.36.12 and protoc-gen-go-grpc v1.5.1 on
// PATH.
package pricingpb

//go:generate protoc --proto_path=../proto --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative pricing.proto
