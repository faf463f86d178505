package builtins

import (
	"testing"
	"time"

	libtime "go.starlark.net/lib/time"
	"go.starlark.net/starlark"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   starlark.Value
		want time.Duration
	}{
		{starlark.String("90s"), 90 * time.Second},
		{starlark.String("30m"), 30 * time.Minute},
		{starlark.String("2h"), 2 * time.Hour},
		{starlark.String("1h30m"), 90 * time.Minute},
		{starlark.String("0s"), 0},
		{starlark.String("600"), 10 * time.Minute},
		{starlark.String(" 2.5 "), 2500 * time.Millisecond},
		{starlark.MakeInt(45), 45 * time.Second},
		{starlark.Float(1.5), 1500 * time.Millisecond},
		{libtime.Duration(time.Minute), time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseDuration(%s) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct {
		in   starlark.Value
		want string
	}{
		{starlark.String("-5s"), "negative"},
		{starlark.MakeInt(-1), "negative"},
		{starlark.Float(-0.5), "negative"},
		{starlark.String("soon"), `invalid duration "soon"`},
		{starlark.String("1e"), `invalid duration "1e"`},
		{starlark.String("NaN"), `invalid duration "NaN"`},
		{starlark.String(""), "invalid duration"},
		{starlark.None, "got None"},
		{starlark.True, "got bool True"},
		{starlark.MakeInt(1 << 40), "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			_, err := ParseDuration(tt.in)
			wantErr(t, err, tt.want)
		})
	}
}
