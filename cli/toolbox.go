package cli

import "github.com/spf13/cobra"

// addToolboxCommands adds the commands that help write and maintain
// runbooks (docs, fmt, lint, completion, config, repl, new) to root.
func addToolboxCommands(root *cobra.Command, s streams) {
	root.AddCommand(
		newDocsCmd(s),
		newFmtCmd(s),
		newLintCmd(s),
		newCompletionCmd(s),
		newConfigCmd(s),
		newReplCmd(s),
		newNewCmd(s),
	)
	addCompletions(root)
}
