package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/pflag"
)

// registerOutput adds -o/--output text|json to fs, storing it in p.
func registerOutput(fs *pflag.FlagSet, p *string, what string) {
	fs.StringVarP(p, "output", "o", "text", `"json": print `+what+` as JSON on standard output, for tools`)
}

// checkOutput refuses an --output other than text or json.
func checkOutput(v string) error {
	if v != "text" && v != "json" {
		return usageErrorf("--output %q: want text or json", v)
	}
	return nil
}

// writeJSON prints v as indented JSON followed by a newline.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("printing JSON: %w", err)
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
