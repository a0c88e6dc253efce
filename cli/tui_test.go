package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cabinethq/cabinet/themes"
)

func TestThemeChoice(t *testing.T) {
	for _, c := range []struct {
		name           string
		flag, env, cfg string
		noColor        string
		want           string
		wantNoColor    bool
	}{
		{name: "default", want: themes.Default},
		{name: "config file", cfg: "theme: light\n", want: "light"},
		{name: "environment over config", cfg: "theme: light\n", env: "colorblind", want: "colorblind"},
		{name: "flag over environment", cfg: "theme: light\n", env: "colorblind", flag: "high-contrast", want: "high-contrast"},
		{name: "NO_COLOR", flag: "light", noColor: "1", want: "light", wantNoColor: true},
		{name: "empty NO_COLOR is unset", noColor: "", want: themes.Default},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			if c.cfg != "" {
				writeConfig(t, home, c.cfg)
			}
			vars := map[string]string{"HOME": home, "CABINET_THEME": c.env, "NO_COLOR": c.noColor}
			a := &App{Getenv: func(k string) string { return vars[k] }, theme: c.flag}
			name, noColor, err := a.themeChoice()
			if err != nil || name != c.want || noColor != c.wantNoColor {
				t.Fatalf("themeChoice = %q, %v, %v; want %q, %v", name, noColor, err, c.want, c.wantNoColor)
			}
		})
	}
}

func writeConfig(t *testing.T, home, text string) string {
	t.Helper()
	name := filepath.Join(home, ".config", "cabinet", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return name
}

// A bad theme is a usage error that names where it was chosen, before
// anything else; without a terminal the workbench says what to use instead.
func TestWorkbenchBadInput(t *testing.T) {
	e := newEnv(t)
	e.must("", "identity", "new")
	e.must("", "init")
	for _, c := range []struct {
		name    string
		args    []string
		vars    map[string]string
		config  string
		mention string
	}{
		{name: "unknown --theme", args: []string{"--theme", "neon"}, mention: `--theme: unknown theme "neon" (valid themes: auto, dark, light, high-contrast, colorblind)`},
		{name: "unknown CABINET_THEME", vars: map[string]string{"CABINET_THEME": "neon"}, mention: `CABINET_THEME: unknown theme "neon"`},
		{name: "unknown theme in the config file", config: "theme: neon\n", mention: `config.yaml: unknown theme "neon"`},
		{name: "misspelt key in the config file", config: "themes: dark\n", mention: `config.yaml: line 1: unknown key "themes" (the keys are: theme)`},
		{name: "malformed config file", config: "theme: [dark\n", mention: "config.yaml: "},
		{name: "no terminal", mention: "the workbench needs a terminal; for scripts use the commands"},
		{name: "demo without a terminal", args: []string{"demo"}, mention: "the workbench needs a terminal"},
	} {
		t.Run(c.name, func(t *testing.T) {
			home := t.TempDir()
			e.vars["HOME"] = home
			for k, v := range c.vars {
				e.vars[k] = v
			}
			defer func() {
				for k := range c.vars {
					delete(e.vars, k)
				}
			}()
			if c.config != "" {
				writeConfig(t, home, c.config)
			}
			r := e.run("", c.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d: %s", r.code, ExitUsage, r.err)
			}
			if strings.Count(r.err, "\n") != 1 || !strings.Contains(r.err, c.mention) {
				t.Fatalf("stderr %q, want one line with %q", r.err, c.mention)
			}
			if r.out != "" {
				t.Fatalf("stdout %q", r.out)
			}
		})
	}
}
