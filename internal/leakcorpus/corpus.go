// Package leakcorpus generates the redaction leak-rate corpus: realistic
// secrets embedded in log lines, span names, event names, status messages
// and attributes, and a clean corpus of ids and timestamps that must pass
// unaltered. The same seed gives the same corpus, so a miss it finds can be
// reproduced and pinned as a shared vector.
package leakcorpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
)

// Place is where a case's text travels.
type Place string

// The places a string can travel through an SDK or OTLP.
const (
	LogBody         Place = "log.body"
	LogAttribute    Place = "log.attribute"
	SpanName        Place = "span.name"
	SpanAttribute   Place = "span.attribute"
	EventName       Place = "event.name"
	StatusMessage   Place = "status.message"
	MetricAttribute Place = "metric.attribute"
)

// Places lists every Place, in the order cases rotate through them.
var Places = []Place{LogBody, LogAttribute, SpanName, SpanAttribute, EventName, StatusMessage, MetricAttribute}

// CaseKey is the attribute every emitted record carries its case ID under,
// so a sink's record can be matched to its case.
const CaseKey = "leak.case"

// Case is one string sent through every path.
type Case struct {
	ID    string `json:"id"`
	Class string `json:"class"`
	Place Place  `json:"place"`
	// Key is the attribute key for the attribute places.
	Key  string `json:"key,omitempty"`
	Text string `json:"text"`
	// Secrets must appear in no sink (secret cases).
	Secrets []string `json:"secrets,omitempty"`
	// Tokens must arrive unaltered wherever the case arrives (clean cases).
	Tokens []string `json:"tokens,omitempty"`
}

// Corpus is what one seed generates.
type Corpus struct {
	Seed    uint64 `json:"seed"`
	Secrets []Case `json:"secrets"`
	Clean   []Case `json:"clean"`
}

// Generate returns perClass secret cases of every class and perClass clean
// cases of every clean class, deterministically from seed.
func Generate(seed uint64, perClass int) Corpus {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	c := Corpus{Seed: seed}
	n := 0
	for _, class := range secretClasses {
		for i := 0; i < perClass; i++ {
			place := Places[n%len(Places)]
			text, key, secrets := class.make(g, place)
			c.Secrets = append(c.Secrets, Case{
				ID: fmt.Sprintf("s%05d", n), Class: class.name, Place: place,
				Key: key, Text: text, Secrets: secrets,
			})
			n++
		}
	}
	n = 0
	for _, class := range cleanClasses {
		for i := 0; i < perClass; i++ {
			place := Places[n%len(Places)]
			text, tokens := class.make(g)
			key := ""
			if place == LogAttribute || place == SpanAttribute || place == MetricAttribute {
				key = pick(g, cleanKeys)
			}
			c.Clean = append(c.Clean, Case{
				ID: fmt.Sprintf("c%05d", n), Class: class.name, Place: place,
				Key: key, Text: text, Tokens: tokens,
			})
			n++
		}
	}
	return c
}

// Cases returns the secret cases followed by the clean ones.
func (c Corpus) Cases() []Case {
	return append(append([]Case(nil), c.Secrets...), c.Clean...)
}

// WriteFile writes the corpus as JSON, the form the Rust emitter reads.
func (c Corpus) WriteFile(path string) error {
	b, err := json.MarshalIndent(c, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
