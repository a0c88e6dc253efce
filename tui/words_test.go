package tui

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/cabinethq/cabinet/inventory"
)

func TestWorkbenchWords(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{inventory.WithHint(errors.New("prod/x has no value to rotate"), "set its first value with `cabinet set prod/x`"), "prod/x has no value to rotate"},
		{inventory.WithHint(errors.New("the store is locked"), "try again in a moment"), "the store is locked; try again in a moment"},
		{fmt.Errorf("the wait of step 3 was interrupted: %w", context.Canceled), "the wait of step 3 was interrupted"},
		{context.Canceled, "interrupted"},
		{fmt.Errorf("step 1: %w", context.DeadlineExceeded), "step 1: timed out"},
	} {
		if got := workbenchWords(c.err); got != c.want {
			t.Errorf("workbenchWords(%q) = %q, want %q", c.err, got, c.want)
		}
	}
	if plural(1, "step", "steps") != "1 step" || plural(0, "step", "steps") != "0 steps" {
		t.Error("plural")
	}
}
