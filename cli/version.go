package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"
)

// Version is glrun's version, set at build time with
// -ldflags "-X glrun/cli.Version=v1.2.3".
var Version = "dev"

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print glrun's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(s.out, "glrun %s (%s %s/%s)\n", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
