package leakcorpus

import (
	"strings"
	"testing"

	"github.com/seamtel/seam/sdk-go/redact"
)

// The engine alone over the corpus, each case as the SDKs redact it: a
// value under its key, or a name or body. The pipeline test
// (collector/pipelinetest) sends the same corpus through every sink.
func TestEngineRedactsTheCorpus(t *testing.T) {
	c := Generate(1, 100)
	r := redact.Default()
	for _, k := range c.Cases() {
		got := r.String(k.Text)
		if k.Key != "" {
			got, _ = r.Value(k.Key, k.Text)
		}
		for _, s := range k.Secrets {
			if strings.Contains(got, s) {
				t.Errorf("%s %s %s=%q: %q survives in %q", k.ID, k.Class, k.Key, k.Text, s, got)
			}
		}
		for _, tok := range k.Tokens {
			if !strings.Contains(got, tok) {
				t.Errorf("%s %s: clean %q altered: %q", k.ID, k.Class, tok, got)
			}
		}
	}
}
