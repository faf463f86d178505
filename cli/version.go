package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// Version is glrun's version, set at build time with
// -ldflags "-X glrun/cli.Version=v1.2.3".
var Version = "dev"

// versionInfo is what 'glrun version -o json' prints.
type versionInfo struct {
	Version string `json:"version"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

func newVersionCmd(s streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print glrun's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			v := versionInfo{Version: Version, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
			if output == "json" {
				return writeJSON(s.out, v)
			}
			fmt.Fprintf(s.out, "glrun %s (%s %s/%s)\n", v.Version, v.Go, v.OS, v.Arch)
			return nil
		},
	}
	registerOutput(cmd.Flags(), &output, `the version ({"version", "go", "os", "arch"})`)
	return cmd
}
