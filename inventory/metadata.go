package inventory

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MetadataChange is a change to a secret's metadata, as the command line's
// flags and the workbench's form both make it: a nil field is left as it
// is. Apply is the one place the rules of metadata are applied.
type MetadataChange struct {
	Owner       *string
	Description *string
	Tags        *[]string
	Every       *Every
	Runbook     *string
}

// ErrEmptyOwner refuses a secret without an owner.
var ErrEmptyOwner = errors.New("the owner cannot be empty: every secret has exactly one owner")

// Apply checks the change and makes it: text is trimmed and must be plain
// (ValidateText), an owner is required, empty tags are dropped, a runbook
// name must be a path segment. On an error sec is left as it was.
func (c MetadataChange) Apply(sec *Secret) error {
	next := *sec
	if c.Owner != nil {
		owner := strings.TrimSpace(*c.Owner)
		if owner == "" {
			return ErrEmptyOwner
		}
		if err := ValidateText("owner", owner); err != nil {
			return err
		}
		next.Owner = owner
	}
	if c.Description != nil {
		description := strings.TrimSpace(*c.Description)
		if err := ValidateText("description", description); err != nil {
			return err
		}
		next.Description = description
	}
	if c.Tags != nil {
		tags, err := cleanTags(*c.Tags)
		if err != nil {
			return err
		}
		next.Tags = tags
	}
	if c.Every != nil {
		next.Rotation.Every = *c.Every
	}
	if c.Runbook != nil {
		if *c.Runbook != "" {
			if err := validateSegment(*c.Runbook); err != nil {
				return fmt.Errorf("runbook: %q is not a runbook name: it %w", *c.Runbook, err)
			}
		}
		next.Rotation.Runbook = *c.Runbook
	}
	*sec = next
	return nil
}

// SplitTags reads tags written as "a, b,c": split at commas, trimmed,
// empty ones dropped.
func SplitTags(s ...string) []string {
	var tags []string
	for _, part := range s {
		for _, t := range strings.Split(part, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

func cleanTags(in []string) ([]string, error) {
	tags := SplitTags(in...)
	for _, t := range tags {
		if err := ValidateText("tags", t); err != nil {
			return nil, err
		}
	}
	return slices.Clip(tags), nil
}
