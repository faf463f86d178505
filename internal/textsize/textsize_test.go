package textsize

import (
	"math/big"
	"testing"

	"go.starlark.net/starlark"
)

func TestScalar(t *testing.T) {
	big100 := starlark.MakeBigInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(100), nil))
	tests := []struct {
		name string
		v    starlark.Value
		want int64
		ok   bool
	}{
		{"None", starlark.None, 4, true},
		{"a bool", starlark.True, 4, true},
		{"a small int", starlark.MakeInt(7), 1, true},
		{"a 101-digit int", big100, 1 + 333*3/10, true},
		{"a float", starlark.Float(1.5), 3, true},
		{"a string, quotes included", starlark.String("abc"), 5, true},
		{"a list is not a scalar", starlark.NewList(nil), 0, false},
		{"bytes are not one either", starlark.Bytes("ab"), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, ok := Scalar(tt.v); n != tt.want || ok != tt.ok {
				t.Errorf("Scalar(%s) = %d, %v; want %d, %v", tt.v, n, ok, tt.want, tt.ok)
			}
		})
	}
}
