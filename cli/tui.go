package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/internal/demo"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
	"github.com/cabinethq/cabinet/tui"
)

// runTUI opens the workbench on the store, which the header calls name.
func (a *App) runTUI(s *store.Store, name string, identity func() (*crypto.Identity, error)) error {
	styles, noColor, err := a.styles()
	if err != nil {
		return err
	}
	if !a.Terminal(a.Out) || !a.Terminal(a.In) {
		return usagef("the workbench needs a terminal; for scripts use the commands (`cabinet --help`)")
	}
	typed := a.setUpWorkbench(noColor)
	return tui.Run(tui.Options{Store: s, Name: name, Identity: identity, Now: a.Now, Styles: styles, Clipboard: tui.SystemClipboard(a.Getenv), Environ: a.environ(), Typed: typed})
}

// workbenchIdentity finds the identity for the workbench. The keyring is
// asked in the background, once the workbench shows; an identity file is
// read first, because it may ask for its passphrase on the terminal, which
// the workbench then owns. Either way a failure only keeps the values
// sealed: the workbench opens and says why.
func (a *App) workbenchIdentity() func() (*crypto.Identity, error) {
	src := a.sources()
	if !src.UsesFile() {
		return src.Resolve
	}
	id, err := src.Resolve()
	return func() (*crypto.Identity, error) { return id, err }
}

// workbenchMemoryLimit is the workbench's soft memory limit: 100,000
// secrets take about 90 MB once listed.
const workbenchMemoryLimit = 128 << 20

// styles are the workbench's colours: none under NO_COLOR (noColor), else
// the chosen theme's.
func (a *App) styles() (st themes.Styles, noColor bool, err error) {
	name, noColor, err := a.themeChoice()
	if err != nil {
		return themes.Styles{}, false, err
	}
	if noColor {
		return themes.Plain(), true, nil
	}
	t, err := themes.Named(name)
	if err != nil {
		return themes.Styles{}, false, err
	}
	return themes.New(t), false, nil
}

// themeChoice says which theme the user chose: --theme, then
// CABINET_THEME, then the config file, else the default. NO_COLOR
// (https://no-color.org) turns colour off whatever the theme; a bad choice
// is still reported, so that it does not surprise the user later.
func (a *App) themeChoice() (name string, noColor bool, err error) {
	name, from := a.theme, "--theme"
	if name == "" {
		name, from = a.Getenv("CABINET_THEME"), "CABINET_THEME"
	}
	if name == "" {
		if name, from, err = a.configTheme(); err != nil {
			return "", false, err
		}
	}
	if name == "" {
		name = themes.Default
	}
	if _, err := themes.Named(name); err != nil {
		return "", false, usagef("%s: %v", from, err)
	}
	return name, a.Getenv("NO_COLOR") != "", nil
}

// config is $XDG_CONFIG_HOME/cabinet/config.yaml.
type config struct {
	Theme string `yaml:"theme"`
}

// configFile is $XDG_CONFIG_HOME/cabinet/config.yaml, by default
// ~/.config/cabinet/config.yaml.
func (a *App) configFile() string {
	dir := a.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		dir = filepath.Join(a.Getenv("HOME"), ".config")
	}
	return filepath.Join(dir, "cabinet", "config.yaml")
}

func (a *App) configTheme() (name, from string, err error) {
	file := a.configFile()
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("failed to read %s: %w", file, err)
	}
	var c config
	if err := decodeYAML(data, &c); err != nil {
		return "", "", usagef("%s: %v", file, err)
	}
	return c.Theme, file, nil
}

// decodeYAML reads a config file strictly: a misspelt key is an error, not
// a setting silently ignored.
func decodeYAML(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(strings.TrimPrefix(err.Error(), "yaml: "), "unmarshal errors:")
		msg = unknownField().ReplaceAllString(msg, `unknown key "$1" (the keys are: theme)`)
		return errors.New(strings.Join(strings.Fields(msg), " "))
	}
	return nil
}

var unknownField = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`field (\S+) not found in type \S+`) })

func newDemoCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Open the workbench on a throwaway sample inventory",
		Long: `Open the workbench on a sample inventory of about 40 secrets across dev,
stg and prod, with every status, several owners and runbooks. It lives in a
temporary folder with an identity held only in memory: no keyring, no setup,
and nothing is left behind when you quit. Press ? for the keys.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			dir, err := os.MkdirTemp("", "cabinet-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			s, id, err := demo.Seed(dir, a.Now())
			if err != nil {
				return fmt.Errorf("failed to make the sample inventory: %w", err)
			}
			return a.runTUI(s, "demo inventory (throwaway)", func() (*crypto.Identity, error) { return id, nil })
		},
	}
}

// homeRelative writes dir with ~ for the home folder, as a shell prompt does.
func (a *App) homeRelative(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return abs
	}
	if rel, err := filepath.Rel(home, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(filepath.Join("~", rel))
	}
	return abs
}
