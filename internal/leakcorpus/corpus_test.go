package leakcorpus

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(7, 20), Generate(7, 20)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two corpora")
	}
	if reflect.DeepEqual(a, Generate(8, 20)) {
		t.Fatal("two seeds gave one corpus")
	}
}

func TestCasesCarryWhatTheyClaim(t *testing.T) {
	c := Generate(1, 100)
	if n := len(c.Secrets); n < 1000 {
		t.Fatalf("%d secret cases, want at least 1000", n)
	}
	places := map[Place]int{}
	for _, k := range c.Cases() {
		places[k.Place]++
		if strings.Contains(k.Text, "%!") {
			t.Errorf("%s: bad template: %q", k.ID, k.Text)
		}
		if !utf8.ValidString(k.Text) {
			t.Errorf("%s: not UTF-8", k.ID)
		}
		if isAttribute(k.Place) != (k.Key != "") {
			t.Errorf("%s: place %s with key %q", k.ID, k.Place, k.Key)
		}
		// A card's digits without their separators are a needle too, one
		// the text need not hold.
		for i, s := range append(append([]string(nil), k.Secrets...), k.Tokens...) {
			if len(s) < 8 || (!strings.Contains(k.Text, s) && (k.Class != "card" || i == 0)) {
				t.Errorf("%s: %q is not a needle of %q", k.ID, s, k.Text)
			}
		}
		if len(k.Secrets)+len(k.Tokens) == 0 {
			t.Errorf("%s: nothing to look for", k.ID)
		}
	}
	for _, p := range Places {
		if places[p] == 0 {
			t.Errorf("no case travels as %s", p)
		}
	}
}

// The networks' published test numbers end in their check digit.
func TestLuhnCheck(t *testing.T) {
	for _, card := range []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "2221000000000009"} {
		body, check := card[:len(card)-1], int(card[len(card)-1]-'0')
		if got := luhnCheck(body); got != check {
			t.Errorf("luhnCheck(%s) = %d, want %d", body, got, check)
		}
	}
}
