package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/refs"
	"github.com/cabinethq/cabinet/store"
)

func newRenderCmd(a *App) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "render FILE",
		Short: "Print a file with its secret:// references replaced by their values",
		Long: `Print FILE (or standard input, with -) with every reference (secret://PATH,
@previous, @pending, #N) replaced by its value, wherever it stands: a YAML or
JSON value, a .env line, a DSN (postgres://etl:secret://prod/db/password@db/wh),
plain text. In a .json file a value is written as JSON string content (quotes,
backslashes and newlines escaped); elsewhere as it is.

Every reference is read before anything is written: one that does not exist,
or that your identity may not read, is an error naming its line, and nothing
is written. --out writes it to a file, mode 0600, whole or not at all: on
Linux the values go to a file with no name until they are written and
synced, so an interrupted render leaves no copy of them behind. The render is one line in the audit log,
listing every value it read.`,
		Example: `  cabinet render pipeline-config.yaml > /run/etl/config.yaml
  cabinet render --out .env .env.template`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runRender(a, args[0], out)
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "write to this file (0600, atomic) instead of standard output")
	return c
}

func runRender(a *App, file, out string) error {
	data, err := readRenderInput(a, file)
	if err != nil {
		return err
	}
	if out != "" {
		// Before any value is read: a folder that is not there would
		// otherwise cost a decryption and an audit line for nothing.
		if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
			return errorOfKind(store.ErrNotFound, "--out %s: the folder %s does not exist; create it first", out, filepath.Dir(out))
		}
	}
	text := string(data)
	found := refs.Find(text)
	values := refs.Values{}
	if len(found) > 0 {
		if values, err = resolveFile(a, text, found, filepath.Base(file)); err != nil {
			return err
		}
		defer values.Clear()
	}
	var escape func([]byte) []byte
	if strings.EqualFold(filepath.Ext(file), ".json") {
		escape = jsonStringContent
	}
	rendered := refs.Replace(text, found, values, escape)
	defer clear(rendered)
	if out == "" {
		_, err := a.Out.Write(rendered)
		return err
	}
	return writeFileAtomic(filepath.Dir(out), filepath.Base(out), rendered)
}

func readRenderInput(a *App, file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(io.LimitReader(a.In, 1<<20))
	}
	data, err := readSmallFile(file)
	if err != nil {
		return nil, usagef("%s: %v", file, err)
	}
	return data, nil
}

// resolveFile reads every reference of a file; an error names the line of
// the reference it is about.
func resolveFile(a *App, text string, found []refs.Ref, what string) (refs.Values, error) {
	s, err := a.openStore()
	if err != nil {
		return nil, err
	}
	lineOf := func(r refs.Ref) int { return strings.Count(text[:r.Start], "\n") + 1 }
	for _, r := range found {
		if err := s.ValidatePath(r.Path); err != nil {
			return nil, usagef("line %d: %s: %v", lineOf(r), r, err)
		}
	}
	id, err := a.identity()
	if err != nil {
		return nil, err
	}
	values, err := refs.Resolve(s, inventory.ActionRender, inventory.Printable(what), found, id, a.act(s, id))
	if err != nil {
		for _, r := range found {
			if strings.Contains(err.Error(), r.Path) {
				return nil, fmt.Errorf("line %d: %s: %w", lineOf(r), r, err)
			}
		}
		return nil, err
	}
	return values, nil
}

// jsonStringContent is v as it is written between a JSON string's quotes.
func jsonStringContent(v []byte) []byte {
	quoted, _ := json.Marshal(string(v))
	return quoted[1 : len(quoted)-1]
}
