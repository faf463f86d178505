package runtime

// Check parses and resolves the runbook at path and every file it loads,
// without executing anything: syntax errors, unknown names (a misspelled
// module), refused or missing loads and load cycles are reported as a
// KindSyntax *Error with file:line:col. predeclared are the names the
// builtins provide; the root is the runbook's directory.
func Check(path string, predeclared []string) error {
	names := make(map[string]bool, len(predeclared))
	for _, n := range predeclared {
		names[n] = true
	}
	return CheckOptions(path, Options{}, func(n string) bool { return names[n] })
}

// CheckOptions is Check with the root taken from opts.Root and the names
// predeclared being those of opts.Predeclared plus those isPredeclared
// (may be nil) accepts.
func CheckOptions(path string, opts Options, isPredeclared func(string) bool) error {
	_, err := compileGraph(path, opts.Root, func(n string) bool {
		return opts.Predeclared.Has(n) || (isPredeclared != nil && isPredeclared(n))
	})
	if err != nil {
		return err
	}
	return nil
}
