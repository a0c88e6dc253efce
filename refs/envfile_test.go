package refs

import "testing"

func TestParseEnvFile(t *testing.T) {
	data := []byte(`# settings
export DB=secret://prod/db/password
PLAIN=value # a comment
SPACED = x y
DQ="a \"quoted\" #not a comment\nnext"
SQ='raw \n $x'
EMPTY=

`)
	vars, err := ParseEnvFile(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"DB": "secret://prod/db/password", "PLAIN": "value", "SPACED": "x y",
		"DQ": "a \"quoted\" #not a comment\nnext", "SQ": `raw \n $x`, "EMPTY": ""}
	if len(vars) != len(want) {
		t.Fatalf("%d variables: %+v", len(vars), vars)
	}
	for _, v := range vars {
		if want[v.Name] != v.Value {
			t.Errorf("%s = %q, want %q", v.Name, v.Value, want[v.Name])
		}
	}
	for _, bad := range []string{"no assignment", "1X=2", "A-B=1", `Q="open`, "S='open"} {
		if _, err := ParseEnvFile([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
