package themes

import (
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/cabinethq/cabinet/inventory"
)

var allStatuses = []inventory.Status{
	inventory.StatusOverdue, inventory.StatusDue, inventory.StatusOK,
	inventory.StatusNoPolicy, inventory.StatusNoValue,
	inventory.StatusRotating, inventory.StatusExposed, inventory.StatusConflict,
}

// renderer gives a renderer that writes colours in the given profile,
// whatever the terminal running the tests.
func renderer(p termenv.Profile, darkBackground bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(darkBackground)
	return r
}

// variants lists the hex values a colour can take: one for a fixed colour,
// the dark and light ones for an adaptive colour.
func variants(t *testing.T, c lipgloss.TerminalColor) []string {
	t.Helper()
	switch c := c.(type) {
	case lipgloss.Color:
		return []string{string(c)}
	case lipgloss.AdaptiveColor:
		return []string{c.Dark, c.Light}
	default:
		t.Fatalf("unexpected colour type %T", c)
		return nil
	}
}

// styleFields returns every exported lipgloss.Style field of s by name.
func styleFields(s Styles) map[string]lipgloss.Style {
	out := map[string]lipgloss.Style{}
	v := reflect.ValueOf(s)
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if st, ok := v.Field(i).Interface().(lipgloss.Style); ok {
			out[f.Name] = st
		}
	}
	for _, st := range allStatuses {
		out["Status("+string(st)+")"] = s.Status(st)
	}
	return out
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// colourParams returns the SGR parameters in out that set a colour:
// 30-39 and 40-49 (including 38 and 48, the 256-colour and true-colour
// forms, whose arguments are skipped) and the bright 90-97 and 100-107.
func colourParams(out string) []string {
	var found []string
	for _, m := range sgr.FindAllStringSubmatch(out, -1) {
		params := strings.Split(m[1], ";")
		for i := 0; i < len(params); i++ {
			n, err := strconv.Atoi(params[i])
			if err != nil {
				continue
			}
			switch {
			case n == 38 || n == 48:
				found = append(found, params[i])
				if i+1 < len(params) && params[i+1] == "5" {
					i += 2 // 38;5;N
				} else {
					i += 4 // 38;2;R;G;B
				}
			case (n >= 30 && n <= 49) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107):
				found = append(found, params[i])
			}
		}
	}
	return found
}

func TestNames(t *testing.T) {
	names := Names()
	want := []string{"auto", "dark", "light", "high-contrast", "colorblind"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("Names() = %q, want %q", names, want)
	}
	if names[0] != Default {
		t.Errorf("Names()[0] = %q, want the default %q first", names[0], Default)
	}
	names[0] = "changed"
	if Names()[0] != Default {
		t.Error("Names() shares its slice with the caller")
	}
}

func TestEveryThemeBuilds(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			th, err := Named(name)
			if err != nil {
				t.Fatal(err)
			}
			if th.Name != name {
				t.Errorf("Name = %q, want %q", th.Name, name)
			}
			colours := map[string]lipgloss.TerminalColor{
				"Accent": th.Accent, "Text": th.Text, "Muted": th.Muted, "Subtle": th.Subtle,
				"SelectedFg": th.SelectedFg, "SelectedBg": th.SelectedBg,
				"Danger": th.Danger, "Warning": th.Warning, "OK": th.OK, "Info": th.Info,
			}
			for field, c := range colours {
				if c == nil {
					t.Errorf("%s is not set", field)
					continue
				}
				for _, hex := range variants(t, c) {
					if !regexp.MustCompile(`^#[0-9A-F]{6}$`).MatchString(hex) {
						t.Errorf("%s = %q, want #RRGGBB in upper case", field, hex)
					}
				}
			}
			s := NewFor(renderer(termenv.TrueColor, true), th)
			for field, st := range styleFields(s) {
				if st.Render("x") == "" {
					t.Errorf("%s renders nothing", field)
				}
			}
			for _, st := range []inventory.Status{inventory.StatusOverdue, inventory.StatusExposed} {
				if !s.Status(st).GetBold() {
					t.Errorf("Status(%s) is not bold", st)
				}
			}
		})
	}
}

func TestNamed(t *testing.T) {
	th, err := Named("")
	if err != nil || th.Name != Default {
		t.Errorf(`Named("") = %q, %v; want the default %q`, th.Name, err, Default)
	}
	th, err = Named(" High-Contrast ")
	if err != nil || th.Name != "high-contrast" {
		t.Errorf(`Named(" High-Contrast ") = %q, %v; want high-contrast`, th.Name, err)
	}
	_, err = Named("solarized")
	if err == nil {
		t.Fatal(`Named("solarized") gave no error`)
	}
	if !strings.Contains(err.Error(), `"solarized"`) {
		t.Errorf("error %q does not name the unknown theme", err)
	}
	for _, name := range Names() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not list %q", err, name)
		}
	}
}

func TestStatusColoursAreDistinct(t *testing.T) {
	for _, name := range Names() {
		th, _ := Named(name)
		danger, warning, ok := variants(t, th.Danger), variants(t, th.Warning), variants(t, th.OK)
		for i := range danger {
			if danger[i] == warning[i] || danger[i] == ok[i] || warning[i] == ok[i] {
				t.Errorf("%s: danger %s, warning %s and ok %s are not distinct", name, danger[i], warning[i], ok[i])
			}
		}
	}
}

// hue is the hue of a #RRGGBB colour in degrees, 0 to 360.
func hue(t *testing.T, hex string) float64 {
	t.Helper()
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil {
		t.Fatalf("bad colour %q", hex)
	}
	r, g, b := float64(v>>16&0xff)/255, float64(v>>8&0xff)/255, float64(v&0xff)/255
	hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	d := hi - lo
	if d == 0 {
		return 0
	}
	var h float64
	switch hi {
	case r:
		h = math.Mod((g-b)/d, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	return h
}

func TestColorblindAvoidsRedGreen(t *testing.T) {
	th, err := Named("colorblind")
	if err != nil {
		t.Fatal(err)
	}
	// On a dark background the status colours are Okabe-Ito's own.
	okabeIto := map[string]struct {
		got  lipgloss.TerminalColor
		want string
	}{
		"Danger (vermillion)": {th.Danger, "#D55E00"},
		"Warning (yellow)":    {th.Warning, "#F0E442"},
		"OK (sky blue)":       {th.OK, "#56B4E9"},
		"Info (purple)":       {th.Info, "#CC79A7"},
	}
	for field, c := range okabeIto {
		if got := variants(t, c.got)[0]; got != c.want {
			t.Errorf("%s on dark = %s, want %s", field, got, c.want)
		}
	}
	// On either background: danger is vermillion, warning yellow to orange,
	// ok blue, and none of them is a green.
	for _, hex := range variants(t, th.Danger) {
		if h := hue(t, hex); h < 10 || h > 35 {
			t.Errorf("danger %s has hue %.0f°, want vermillion (10°-35°)", hex, h)
		}
	}
	for _, hex := range variants(t, th.Warning) {
		if h := hue(t, hex); h < 35 || h > 65 {
			t.Errorf("warning %s has hue %.0f°, want orange to yellow (35°-65°)", hex, h)
		}
	}
	for _, hex := range variants(t, th.OK) {
		if h := hue(t, hex); h < 190 || h > 230 {
			t.Errorf("ok %s has hue %.0f°, want blue (190°-230°)", hex, h)
		}
	}
	for _, c := range []lipgloss.TerminalColor{th.Danger, th.Warning, th.OK, th.Info} {
		for _, hex := range variants(t, c) {
			if h := hue(t, hex); h >= 75 && h <= 165 {
				t.Errorf("status colour %s is a green (hue %.0f°)", hex, h)
			}
		}
	}
}

func TestThemesEmitColour(t *testing.T) {
	for _, name := range Names() {
		th, _ := Named(name)
		s := NewFor(renderer(termenv.TrueColor, true), th)
		if out := s.Row.Render("x"); !strings.Contains(out, "\x1b[38") {
			t.Errorf("%s: Row renders %q, want a foreground colour", name, out)
		}
		if out := s.SelectedRow.Render("x"); len(colourParams(out)) < 2 {
			t.Errorf("%s: SelectedRow renders %q, want a foreground and a background", name, out)
		}
	}
}

func TestAdaptiveThemesFollowTheBackground(t *testing.T) {
	th, _ := Named("high-contrast")
	onDark := NewFor(renderer(termenv.TrueColor, true), th).Row.Render("x")
	onLight := NewFor(renderer(termenv.TrueColor, false), th).Row.Render("x")
	if !strings.Contains(onDark, "38;2;255;255;255") || !strings.Contains(onLight, "38;2;0;0;0") {
		t.Errorf("high-contrast text: on dark %q, on light %q; want white, then black", onDark, onLight)
	}
}

var reverse = regexp.MustCompile(`\x1b\[([0-9]+;)*7(;[0-9]+)*m`)

func TestPlainHasNoColour(t *testing.T) {
	for _, p := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI} {
		s := PlainFor(renderer(p, true))
		for field, st := range styleFields(s) {
			out := st.Render("x")
			if strings.Contains(out, "\x1b[38") || strings.Contains(out, "\x1b[48") {
				t.Errorf("profile %v: Plain %s renders %q, with a colour", p, field, out)
			}
			if params := colourParams(out); len(params) > 0 {
				t.Errorf("profile %v: Plain %s renders %q, with colour parameters %v", p, field, out, params)
			}
		}
		if out := s.SelectedRow.Render("x"); !reverse.MatchString(out) {
			t.Errorf("profile %v: Plain SelectedRow renders %q, want reverse video", p, out)
		}
		if !s.Status(inventory.StatusOverdue).GetBold() || !s.Status(inventory.StatusExposed).GetBold() {
			t.Errorf("profile %v: Plain overdue and exposed are not bold", p)
		}
	}
}

func TestStatusCoversEveryStatus(t *testing.T) {
	th, _ := Named(Default)
	s := NewFor(renderer(termenv.TrueColor, true), th)
	for _, st := range allStatuses {
		if _, ok := s.status[st]; !ok {
			t.Errorf("no style for status %q", st)
		}
	}
	if got := s.Status("bogus").Render("x"); got != s.Row.Render("x") {
		t.Errorf("unknown status renders %q, want the plain text style %q", got, s.Row.Render("x"))
	}
	var zero Styles
	_ = zero.Status(inventory.StatusOK).Render("x") // a zero Styles does not panic
}

func ExampleNamed() {
	th, err := Named("colorblind")
	if err != nil {
		fmt.Println(err)
		return
	}
	styles := New(th)
	_ = styles.Status(inventory.StatusOverdue) // the style of the word "overdue"
	fmt.Println(th.Name)

	_, err = Named("neon")
	fmt.Println(err)
	// Output:
	// colorblind
	// unknown theme "neon" (valid themes: auto, dark, light, high-contrast, colorblind)
}

// TestDefaultFollowsTheBackground: the default theme reads on a light
// terminal as well as on a dark one: it takes the light theme's colours on
// a light background and the dark theme's on a dark one.
func TestDefaultFollowsTheBackground(t *testing.T) {
	def, _ := Named(Default)
	for _, bg := range []struct {
		dark bool
		want Theme
	}{{true, dark()}, {false, light()}} {
		r := renderer(termenv.TrueColor, bg.dark)
		got := NewFor(r, def).Status(inventory.StatusOverdue).Render("x")
		want := NewFor(r, bg.want).Status(inventory.StatusOverdue).Render("x")
		if got != want {
			t.Errorf("dark background %v: the default renders overdue as %q, want %q (the %s theme)", bg.dark, got, want, bg.want.Name)
		}
	}
}
