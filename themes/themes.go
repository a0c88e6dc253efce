// Package themes is the only place where cabinet chooses colours.
//
// A [Theme] names colours by what they mean (accent, danger, warning, ok…),
// never by hue, and [New] turns a theme into the ready [Styles] that every
// screen of the TUI reads. Screens never hold a colour literal of their own.
//
// # Themes
//
// Five themes are built in; [Names] lists them and [Named] picks one:
//
//   - "auto", the [Default]: the colours of "dark" on a dark background and
//     those of "light" on a light one, as lipgloss detects the background
//     (the workbench asks the terminal before it starts).
//   - "dark": for terminals with a dark background, whatever they report.
//   - "light": for terminals with a light background.
//   - "high-contrast": near-black and near-white text, saturated status
//     colours and a yellow selection bar; it follows the terminal's
//     background (dark or light) as lipgloss detects it.
//   - "colorblind": safe for deuteranopia and protanopia. It draws from the
//     Okabe-Ito palette: blue for ok, yellow or ochre for due, vermillion
//     for overdue and exposed, so a status never rests on red against green.
//     It also follows the terminal's background.
//
// Whatever the theme, a status is also spelled out in words or symbols by
// the screens, so colour is never the only signal.
//
// # NO_COLOR
//
// This package does not read the environment. The caller detects NO_COLOR
// (https://no-color.org) and then either
//
//   - uses [Plain] styles, which hold no colour at all but keep bold and
//     reverse video, so the selected row stays visible; for those attributes
//     to reach the terminal the renderer's profile must not be Ascii (lipgloss
//     itself picks Ascii when NO_COLOR is set), so set it to ANSI, for
//     example with lipgloss.SetColorProfile(termenv.ANSI): Plain styles never
//     emit a colour, whatever the profile; or
//   - sets the lipgloss colour profile to termenv.Ascii, which drops every
//     colour and every attribute (as golden-file tests do), in which case the
//     screens must mark the selected row with a symbol as well.
package themes

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Default is the name of the theme used when none is chosen.
const Default = "auto"

// Theme is a set of semantic colours. Each is a lipgloss.TerminalColor:
// a fixed lipgloss.Color in the themes made for one background, a
// lipgloss.AdaptiveColor in those that follow the terminal's background.
type Theme struct {
	Name string

	Accent lipgloss.TerminalColor // titles, prompts, spinner, key names
	Text   lipgloss.TerminalColor // ordinary text
	Muted  lipgloss.TerminalColor // secondary text: labels, hints, footers
	Subtle lipgloss.TerminalColor // borders and rules

	SelectedFg lipgloss.TerminalColor // text of the selected row
	SelectedBg lipgloss.TerminalColor // background of the selected row

	Danger  lipgloss.TerminalColor // overdue, exposed, errors
	Warning lipgloss.TerminalColor // due, rotating, a revealed value
	OK      lipgloss.TerminalColor // ok
	Info    lipgloss.TerminalColor // no policy, no value
}

// themes lists the built-in themes in the order Names reports them.
// Each entry builds a fresh Theme so that no caller can alter another's.
var themes = []struct {
	name  string
	build func() Theme
}{
	{"auto", auto},
	{"dark", dark},
	{"light", light},
	{"high-contrast", highContrast},
	{"colorblind", colorblind},
}

// Names lists the built-in themes, the default first.
func Names() []string {
	names := make([]string, len(themes))
	for i, t := range themes {
		names[i] = t.name
	}
	return names
}

// Named returns the built-in theme called name. Case and surrounding spaces
// are ignored, and an empty name means [Default]. An unknown name is an
// error that lists the valid ones.
func Named(name string) (Theme, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = Default
	}
	for _, t := range themes {
		if t.name == n {
			return t.build(), nil
		}
	}
	return Theme{}, fmt.Errorf("unknown theme %q (valid themes: %s)", name, strings.Join(Names(), ", "))
}

// auto is dark on a dark background and light on a light one: the default
// must read on both, and most terminals are one or the other.
func auto() Theme {
	d, l := dark(), light()
	return Theme{
		Name:       "auto",
		Accent:     adapt(l.Accent, d.Accent),
		Text:       adapt(l.Text, d.Text),
		Muted:      adapt(l.Muted, d.Muted),
		Subtle:     adapt(l.Subtle, d.Subtle),
		SelectedFg: adapt(l.SelectedFg, d.SelectedFg),
		SelectedBg: adapt(l.SelectedBg, d.SelectedBg),
		Danger:     adapt(l.Danger, d.Danger),
		Warning:    adapt(l.Warning, d.Warning),
		OK:         adapt(l.OK, d.OK),
		Info:       adapt(l.Info, d.Info),
	}
}

// adapt joins a light theme's fixed colour and a dark theme's into one that
// follows the background.
func adapt(light, dark lipgloss.TerminalColor) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Light: string(light.(lipgloss.Color)), Dark: string(dark.(lipgloss.Color))}
}

// dark suits a dark terminal background.
func dark() Theme {
	return Theme{
		Name:       "dark",
		Accent:     lipgloss.Color("#BB9AF7"), // violet
		Text:       lipgloss.Color("#E6E6E6"),
		Muted:      lipgloss.Color("#9AA0A6"),
		Subtle:     lipgloss.Color("#4A4F57"),
		SelectedFg: lipgloss.Color("#FFFFFF"),
		SelectedBg: lipgloss.Color("#3B4261"),
		Danger:     lipgloss.Color("#FF5F5F"), // red
		Warning:    lipgloss.Color("#E0AF68"), // amber
		OK:         lipgloss.Color("#9ECE6A"), // green
		Info:       lipgloss.Color("#7DCFFF"), // cyan
	}
}

// light suits a light terminal background.
func light() Theme {
	return Theme{
		Name:       "light",
		Accent:     lipgloss.Color("#8250DF"), // violet
		Text:       lipgloss.Color("#1F2328"),
		Muted:      lipgloss.Color("#57606A"),
		Subtle:     lipgloss.Color("#D0D7DE"),
		SelectedFg: lipgloss.Color("#0B1F44"),
		SelectedBg: lipgloss.Color("#DDE6F5"),
		Danger:     lipgloss.Color("#C62828"), // red
		Warning:    lipgloss.Color("#9A6700"), // dark amber
		OK:         lipgloss.Color("#1A7F37"), // green
		Info:       lipgloss.Color("#0969DA"), // blue
	}
}

// highContrast pushes every colour to the far end of the terminal's
// background: white and saturated colours on dark, black and deep ones on
// light.
func highContrast() Theme {
	return Theme{
		Name:       "high-contrast",
		Accent:     lipgloss.AdaptiveColor{Dark: "#FF87FF", Light: "#8B008B"}, // magenta
		Text:       lipgloss.AdaptiveColor{Dark: "#FFFFFF", Light: "#000000"},
		Muted:      lipgloss.AdaptiveColor{Dark: "#D0D0D0", Light: "#303030"},
		Subtle:     lipgloss.AdaptiveColor{Dark: "#A0A0A0", Light: "#505050"},
		SelectedFg: lipgloss.AdaptiveColor{Dark: "#000000", Light: "#FFFFFF"},
		SelectedBg: lipgloss.AdaptiveColor{Dark: "#FFFF00", Light: "#000000"},
		Danger:     lipgloss.AdaptiveColor{Dark: "#FF5C5C", Light: "#B00000"}, // red
		Warning:    lipgloss.AdaptiveColor{Dark: "#FFFF00", Light: "#7A4A00"}, // yellow, brown
		OK:         lipgloss.AdaptiveColor{Dark: "#00FF00", Light: "#006400"}, // green
		Info:       lipgloss.AdaptiveColor{Dark: "#00FFFF", Light: "#00008B"}, // cyan, navy
	}
}

// colorblind uses the Okabe-Ito palette (Okabe and Ito, "Color Universal
// Design", 2008) on dark backgrounds and darker shades of the same hues on
// light ones, where yellow and sky blue would not read. Ok is blue and
// danger is vermillion: the blue-orange axis that deuteranopes and protanopes
// see; danger and warning also differ in lightness.
func colorblind() Theme {
	return Theme{
		Name:       "colorblind",
		Accent:     lipgloss.AdaptiveColor{Dark: "#009E73", Light: "#00694D"}, // bluish green
		Text:       lipgloss.AdaptiveColor{Dark: "#F0F0F0", Light: "#111111"},
		Muted:      lipgloss.AdaptiveColor{Dark: "#A8A8A8", Light: "#555555"},
		Subtle:     lipgloss.AdaptiveColor{Dark: "#555555", Light: "#BBBBBB"},
		SelectedFg: lipgloss.Color("#FFFFFF"),
		SelectedBg: lipgloss.Color("#0072B2"),                                 // blue
		Danger:     lipgloss.AdaptiveColor{Dark: "#D55E00", Light: "#A23A00"}, // vermillion
		Warning:    lipgloss.AdaptiveColor{Dark: "#F0E442", Light: "#B07800"}, // yellow, ochre
		OK:         lipgloss.AdaptiveColor{Dark: "#56B4E9", Light: "#0072B2"}, // sky blue, blue
		Info:       lipgloss.AdaptiveColor{Dark: "#CC79A7", Light: "#8E3B74"}, // reddish purple
	}
}
