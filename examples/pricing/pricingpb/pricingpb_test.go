package pricingpb_test

import (
	"context"
	"testing"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"

	"github.com/seamtel/seam/examples/pricing/pricingpb"
)

// The generated Go code is the .proto's: a change to one without running
// go generate fails here, with no protoc needed to check it.
func TestGeneratedCodeMatchesTheProto(t *testing.T) {
	compiler := protocompile.Compiler{Resolver: &protocompile.SourceResolver{ImportPaths: []string{"../proto"}}}
	files, err := compiler.Compile(context.Background(), "pricing.proto")
	if err != nil {
		t.Fatal(err)
	}
	want := protodesc.ToFileDescriptorProto(files[0])
	got := protodesc.ToFileDescriptorProto(pricingpb.File_pricing_proto)
	want.SourceCodeInfo, got.SourceCodeInfo = nil, nil
	if !proto.Equal(got, want) {
		t.Errorf("pricing.pb.go is not ../proto/pricing.proto's (run go generate here):\n got  %v\n want %v", got, want)
	}
}
