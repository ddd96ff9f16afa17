package twitter

import (
	"strings"
	"testing"
)

func BenchmarkWeightedLength(b *testing.B) {
	texts := map[string]string{
		"post":       "Fresh roast today ☕️ at acme.com/roast — come by! 👨\u200d👩\u200d👧 #coffee @friends https://example.com/x?y=z",
		"dotted-25k": strings.Repeat("a.", 12500),
		"letters":    strings.Repeat("abc ", 6250),
	}
	for name, text := range texts {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				WeightedLength(text)
			}
		})
	}
}
