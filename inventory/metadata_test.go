package inventory_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

func ptr[T any](v T) *T { return &v }

// TestMetadataChange: the one place metadata rules are applied, for the
// command line's flags and the workbench's form alike.
func TestMetadataChange(t *testing.T) {
	base := func() inventory.Secret {
		return inventory.Secret{Path: "prod/db/password", Owner: "data-platform", Description: "old", Tags: []string{"a"}}
	}
	sec := base()
	err := inventory.MetadataChange{Owner: ptr("  growth "), Tags: &[]string{"x, y", " ", "z"}, Runbook: ptr("db-password")}.Apply(&sec)
	if err != nil || sec.Owner != "growth" || !reflect.DeepEqual(sec.Tags, []string{"x", "y", "z"}) || sec.Rotation.Runbook != "db-password" || sec.Description != "old" {
		t.Fatalf("Apply = %v, %+v", err, sec)
	}
	for name, c := range map[string]inventory.MetadataChange{
		"empty owner":         {Owner: ptr("  ")},
		"control in owner":    {Owner: ptr("a\x1b]0;pwned\x07")},
		"newline in tag":      {Tags: &[]string{"a\nb"}},
		"bad runbook name":    {Runbook: ptr("../x")},
		"control description": {Description: ptr("line\rline")},
		"owner then bad tag":  {Owner: ptr("growth"), Tags: &[]string{"\x07"}},
	} {
		sec := base()
		if err := c.Apply(&sec); err == nil || !reflect.DeepEqual(sec, base()) {
			t.Errorf("%s: Apply = %v, secret %+v; want an error and no change", name, err, sec)
		}
	}
	sec = base()
	if err := (inventory.MetadataChange{Owner: ptr("")}).Apply(&sec); !errors.Is(err, inventory.ErrEmptyOwner) {
		t.Errorf("empty owner: %v", err)
	}
}
