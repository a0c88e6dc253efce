package tui

import "testing"

// The create and edit forms refuse, as they are typed, the metadata the
// command line refuses: control characters and line breaks.
func TestFormsRefuseMetadataThatIsNotPlainText(t *testing.T) {
	for _, c := range []struct {
		field string
		check func(string) error
		text  string
	}{
		{"owner", checkOwner, "\x1b]0;pwned\x07"},
		{"owner", checkOwner, "ops\nFAKE"},
		{"description", checkDescription, "a\x1b[2Jb"},
		{"tags", checkTags, "etl, ware\rhouse"},
	} {
		if err := c.check(c.text); err == nil {
			t.Errorf("the %s field accepts %q", c.field, c.text)
		}
	}
	if checkOwner("data-platform") != nil || checkDescription("ETL user") != nil || checkTags("etl, warehouse") != nil {
		t.Error("plain metadata refused")
	}
}
