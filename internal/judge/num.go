package judge

import (
	"encoding/json"
	"math"
)

// Num is a float that encodes an infinite or undefined value as JSON null
// (an unbounded end of an interval) instead of failing to encode.
type Num float64

// MarshalJSON writes null for ±Inf and NaN.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads null as +Inf.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.Inf(1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// normCDF is the standard normal distribution function.
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// normQuantile is its inverse.
func normQuantile(p float64) float64 { return math.Sqrt2 * math.Erfinv(2*p-1) }
