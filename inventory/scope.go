package inventory

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DefaultScope is the scope every path falls back to.
const DefaultScope = "*"

// Recipients is recipients.yaml: the members with their public keys, and the
// scopes that say which members may read which paths.
type Recipients struct {
	Members map[string]string   // name -> age or ssh public key
	Scopes  map[string][]string // path prefix (ending in "/") or "*" -> member names
	// Conflicts are the clashes a merge of two clones' recipients.yaml
	// recorded (a member given a different key on each), in words, until a
	// member of scope * settles them; nothing is sealed meanwhile.
	Conflicts []string
}

// ValidateMemberName checks a member name: the same alphabet as a path
// segment, since it names an audit file.
func ValidateMemberName(name string) error {
	if err := validateSegment(name); err != nil {
		return fmt.Errorf("invalid member name %q: it %w", name, err)
	}
	return nil
}

// NormalizeScope turns "prod", "prod/" or "prod/db" into the prefix form
// "prod/" or "prod/db/", and keeps "*". It refuses what could never match.
func NormalizeScope(prefix string, environments []string) (string, error) {
	if prefix == DefaultScope {
		return prefix, nil
	}
	p := strings.TrimSuffix(prefix, "/")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if err := validateSegment(s); err != nil {
			return "", fmt.Errorf("invalid scope %q: segment %d %w", prefix, i+1, err)
		}
	}
	if len(environments) > 0 && !slices.Contains(environments, segs[0]) {
		return "", fmt.Errorf("invalid scope %q: %q is not an environment of this store (%s)", prefix, segs[0], strings.Join(environments, ", "))
	}
	return p + "/", nil
}

// ScopeOf returns the scope that governs path: the longest prefix that
// matches it, else "*". ok is false when no scope matches at all.
func (r Recipients) ScopeOf(path string) (scope string, ok bool) {
	best := ""
	for prefix := range r.Scopes {
		// Whole segments only, even for a key written without its final
		// "/": scope "prod/db" must not govern "prod/dbx/a".
		whole := strings.TrimSuffix(prefix, "/") + "/"
		if prefix != DefaultScope && strings.HasPrefix(path+"/", whole) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best != "" {
		return best, true
	}
	_, ok = r.Scopes[DefaultScope]
	return DefaultScope, ok
}

// ReadersOf returns the sorted member names that may read path.
func (r Recipients) ReadersOf(path string) []string {
	scope, ok := r.ScopeOf(path)
	if !ok {
		return nil
	}
	names := slices.Clone(r.Scopes[scope])
	sort.Strings(names)
	return slices.Compact(names)
}

// ScopeNames returns the scopes sorted, "*" first.
func (r Recipients) ScopeNames() []string {
	names := make([]string, 0, len(r.Scopes))
	for s := range r.Scopes {
		names = append(names, s)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == DefaultScope) != (names[j] == DefaultScope) {
			return names[i] == DefaultScope
		}
		return names[i] < names[j]
	})
	return names
}

// MemberNames returns the member names sorted.
func (r Recipients) MemberNames() []string {
	names := make([]string, 0, len(r.Members))
	for n := range r.Members {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks that every scope names known members and has at least one.
func (r Recipients) Validate() error {
	for _, name := range r.MemberNames() {
		if err := ValidateMemberName(name); err != nil {
			return fmt.Errorf("members: %w", err)
		}
		if strings.TrimSpace(r.Members[name]) == "" {
			return fmt.Errorf("members: %s has no public key", name)
		}
	}
	for _, c := range r.Conflicts {
		if err := ValidateText("conflicts", c); err != nil {
			return err
		}
	}
	for _, scope := range r.ScopeNames() {
		if norm, err := NormalizeScope(scope, nil); err != nil || norm != scope {
			return fmt.Errorf("scopes: %q is not a path prefix like prod/ or prod/db/, nor *", scope)
		}
		if len(r.Scopes[scope]) == 0 {
			return fmt.Errorf("scopes: %q has no members", scope)
		}
		for _, m := range r.Scopes[scope] {
			if _, ok := r.Members[m]; !ok {
				return fmt.Errorf("scopes: %q names %q, who is not a member", scope, m)
			}
		}
	}
	return nil
}

// Lost returns the names in before that are not in after: the readers who
// lose access when a secret's readers change.
func Lost(before, after []string) []string {
	var lost []string
	for _, m := range before {
		if !slices.Contains(after, m) {
			lost = append(lost, m)
		}
	}
	return lost
}
