package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/store"
	"github.com/cabinethq/cabinet/themes"
	"github.com/cabinethq/cabinet/tui"
)

// runTUI opens the workbench on the store, which the header calls name.
func (a *App) runTUI(s *store.Store, name string, identity func() (*crypto.Identity, error)) error {
	if !a.Terminal(a.Out) || !a.Terminal(a.In) {
		return usagef("the workbench needs a terminal; for scripts use the commands (`cabinet --help`)")
	}
	styles, err := a.styles()
	if err != nil {
		return err
	}
	// The workbench lives long and holds the whole inventory: the default
	// GC target keeps its memory near what it uses (commands raise it for
	// speed, see Main). GOGC still wins when set.
	if a.Getenv("GOGC") == "" {
		debug.SetGCPercent(100)
	}
	return tui.Run(tui.Options{Store: s, Name: name, Identity: identity, Now: a.Now, Styles: styles, Clipboard: tui.SystemClipboard(a.Getenv)})
}

// styles picks the theme: --theme, then CABINET_THEME, then the config
// file; NO_COLOR turns colour off whatever the theme.
func (a *App) styles() (themes.Styles, error) {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		lipgloss.SetColorProfile(termenv.Ascii)
		return themes.Plain(), nil
	}
	name, from := a.theme, "--theme"
	if name == "" {
		name, from = a.Getenv("CABINET_THEME"), "CABINET_THEME"
	}
	if name == "" {
		var err error
		if name, from, err = a.configTheme(); err != nil {
			return themes.Styles{}, err
		}
	}
	if name == "" {
		name = themes.Default
	}
	t, err := themes.Named(name)
	if err != nil {
		return themes.Styles{}, usagef("%s: %v", from, err)
	}
	return themes.New(t), nil
}

// config is $XDG_CONFIG_HOME/cabinet/config.yaml.
type config struct {
	Theme string `yaml:"theme"`
}

func (a *App) configTheme() (name, from string, err error) {
	dir := a.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", "", nil
		}
		dir = filepath.Join(home, ".config")
	}
	file := filepath.Join(dir, "cabinet", "config.yaml")
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("failed to read %s: %w", file, err)
	}
	var c config
	if err := yaml.Unmarshal(data, &c); err != nil {
		return "", "", fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return c.Theme, file, nil
}

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
			s, id, err := seedDemo(dir, a.Now())
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
