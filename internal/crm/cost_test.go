package crm

import (
	"encoding/json"
	"math"
	"testing"
)

func TestParseCost(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{{"320", true}, {" 86.5 ", true}, {"0", true}, {"Inf", false}, {"-Inf", false}, {"NaN", false},
		{"1e999", false}, {"-1", false}, {"", false}, {"abc", false}} {
		_, err := ParseCost(tc.in)
		if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("ParseCost(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}

// A touch with a cost that is not finite (a book written before costs were
// checked) still encodes: one bad row must not break every listing.
func TestCostJSONCannotFail(t *testing.T) {
	for _, f := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		c := Cost(f)
		b, err := json.Marshal(&Touch{Summary: "x", Cost: &c})
		if err != nil {
			t.Fatalf("cost %v: %v", f, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil || m["cost"] != nil {
			t.Errorf("cost %v encodes as %s", f, b)
		}
	}
	c := Cost(1e-7)
	if b, _ := json.Marshal(c); string(b) != "1e-7" {
		t.Errorf("1e-7 encodes as %s", b)
	}
}
