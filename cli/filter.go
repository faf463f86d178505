package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"glrun/exitcode"
	"glrun/glapi/odata"
)

func newFilterCmd(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "filter",
		Short: "Check OData filters and try them on JSON",
		Long: `GreenLake list endpoints take filter= in a subset of OData 4.0. These commands
check a filter before a runbook sends it, and evaluate it locally on JSON.`,
	}
	cmd.AddCommand(newFilterCheckCmd(s), newFilterMatchCmd(s))
	return cmd
}

func newFilterCheckCmd(s streams) *cobra.Command {
	var resource, output string
	cmd := &cobra.Command{
		Use:   "check [--resource NAME] [-o json] EXPR",
		Short: "Print a filter's canonical form, or say what is wrong with it (exit 2)",
		Example: `  glrun filter check "state eq 'FAILED' and createdAt gt 2024-07-01T00:00:00Z"
  glrun filter check --resource users "userStatus ne 'UNVERIFIED'"
  glrun filter check -o json "name eq 'web'"   # {"filter": ..., "canonical": ...}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			e, err := odata.Parse(args[0])
			if err != nil {
				return withCode(exitcode.Usage, err)
			}
			if resource != "" {
				if err := odata.Validate(resource, e); err != nil {
					return withCode(exitcode.Usage, err)
				}
			}
			if output == "json" {
				return writeJSON(s.out, map[string]string{"filter": args[0], "canonical": e.String(), "resource": resource})
			}
			fmt.Fprintln(s.out, e.String())
			return nil
		},
	}
	registerOutput(cmd.Flags(), &output, `{"filter", "canonical", "resource"}`)
	cmd.Flags().StringVar(&resource, "resource", "", "also check the properties against this endpoint's filterable ones: "+
		strings.Join(filterResources, ", "))
	return cmd
}

// filterResources are the endpoints --resource knows.
var filterResources = []string{
	odata.ResourceJobs, odata.ResourceAsyncOperations, odata.ResourceServers, odata.ResourceGroups,
	odata.ResourceFirmwareBundles, odata.ResourceUsers, odata.ResourceCredentials, odata.ResourceExternalServices,
}

func newFilterMatchCmd(s streams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "match [-o json] EXPR [FILE]",
		Short: "Print the JSON objects of FILE (or stdin) that match EXPR",
		Long: `Reads a JSON array of objects, or JSON lines (one object per line), from FILE or
standard input, and prints each object that matches the filter, one per line
(with -o json: one JSON array of them, [] when none matches).`,
		Example: `  glrun filter match "powerState eq 'OFF'" servers.json
  curl ... | jq -c '.items[]' | glrun filter match "contains(name, 'web')"`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			e, err := odata.Parse(args[0])
			if err != nil {
				return withCode(exitcode.Usage, err)
			}
			in, name := s.in, "standard input"
			if len(args) == 2 {
				f, err := os.Open(args[1])
				if err != nil {
					return usageErrorf("%v", err)
				}
				defer f.Close()
				in, name = f, args[1]
			}
			objs, err := readJSONObjects(in)
			if err != nil {
				return usageErrorf("%s: %v", name, err)
			}
			if output == "json" {
				matched := []map[string]any{}
				for _, o := range objs {
					if odata.Eval(e, o) {
						matched = append(matched, o)
					}
				}
				return writeJSON(s.out, matched)
			}
			for _, o := range objs {
				if odata.Eval(e, o) {
					b, err := json.Marshal(o)
					if err != nil {
						return err
					}
					fmt.Fprintln(s.out, string(b))
				}
			}
			return nil
		},
	}
	registerOutput(cmd.Flags(), &output, "the matching objects as one array")
	return cmd
}

// readJSONObjects reads a JSON array of objects or JSON lines of objects.
func readJSONObjects(r io.Reader) ([]map[string]any, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var arr []map[string]any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&arr); err != nil {
			return nil, fmt.Errorf("not a JSON array of objects: %w", err)
		}
		return arr, nil
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil {
			return nil, fmt.Errorf("line %d: not a JSON object: %w", line, err)
		}
		out = append(out, obj)
	}
	return out, sc.Err()
}
