package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newCompletionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: `Print a script that teaches your shell to complete glrun's subcommands,
flags, runbook files (.star) and, after a runbook file, its parameters
(NAME=) as 'glrun describe' lists them.`,
		Example: `  # bash (needs the bash-completion package), now and in every new shell:
  source <(glrun completion bash)
  glrun completion bash > ~/.local/share/bash-completion/completions/glrun

  # zsh:
  glrun completion zsh > "${fpath[1]}/_glrun"

  # fish:
  glrun completion fish > ~/.config/fish/completions/glrun.fish

  # PowerShell:
  glrun completion powershell | Out-String | Invoke-Expression`,
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(s.out, true)
			case "zsh":
				return root.GenZshCompletion(s.out)
			case "fish":
				return root.GenFishCompletion(s.out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(s.out)
			}
			return usageErrorf("unknown shell %q: want bash, zsh, fish or powershell", args[0])
		},
	}
}

// runbookArgCommands are the commands whose arguments are runbook files
// (or directories of them).
var runbookArgCommands = []string{"check", "describe", "fmt", "lint", "test"}

// runbookParamCommands are the commands taking FILE NAME=VALUE...
var runbookParamCommands = []string{"run", "plan"}

// planArgCommands are the commands whose argument is a saved plan (.json).
var planArgCommands = []string{"apply", "approve", "show"}

// addCompletions installs argument completion on the commands of root that
// take runbooks: .star files, and NAME= after the file for run and plan.
// Commands that already complete their arguments are left alone.
func addCompletions(root *cobra.Command) {
	for _, cmd := range root.Commands() {
		if cmd.ValidArgsFunction != nil || len(cmd.ValidArgs) > 0 {
			continue
		}
		name := cmd.Name()
		for _, n := range runbookArgCommands {
			if n == name {
				cmd.ValidArgsFunction = completeStarFiles
			}
		}
		for _, n := range planArgCommands {
			if n == name {
				cmd.ValidArgsFunction = completePlanFiles
			}
		}
		for _, n := range runbookParamCommands {
			if n == name {
				cmd.ValidArgsFunction = completeRunbookParams
			}
		}
	}
}

// completeStarFiles completes .star files (and directories).
func completeStarFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"star"}, cobra.ShellCompDirectiveFilterFileExt
}

// completePlanFiles completes the plan file (.json) of apply, approve and
// show: one argument only.
func completePlanFiles(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeRunbookParams completes the runbook file first, then NAME= for
// each of its parameters not given yet (with their type and default as the
// description). Describing the runbook sends nothing.
func completeRunbookParams(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return completeStarFiles(cmd, args, toComplete)
	}
	d, err := describeRunbook(cmd.Context(), args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveError
	}
	given := map[string]bool{}
	for _, a := range args[1:] {
		if name, _, ok := strings.Cut(a, "="); ok {
			given[name] = true
		}
	}
	var out []string
	for _, p := range d.Params {
		if given[p.Name] || !strings.HasPrefix(p.Name, toComplete) {
			continue
		}
		out = append(out, fmt.Sprintf("%s=\t%s", p.Name, p.String()))
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
