package inventory

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrBadImport is what every error of ParseImportList, ParseDotenv and
// ParsePassageEntry matches: bad input, which a script fixes (exit 2).
var ErrBadImport = errors.New("bad import")

// ImportEntry is one secret to import: its path, its metadata (a nil field
// was not given) and, if given, its value. Errors about an entry never
// quote its value.
type ImportEntry struct {
	Path        string
	Owner       string // "" only where the owner comes from elsewhere (a flag)
	Description *string
	Tags        *[]string
	Every       *Every
	Runbook     *string
	Value       []byte // nil: no value given
}

// Change is the entry's metadata as a change to a secret.
func (e ImportEntry) Change() MetadataChange {
	c := MetadataChange{Description: e.Description, Tags: e.Tags, Every: e.Every, Runbook: e.Runbook}
	if e.Owner != "" {
		c.Owner = &e.Owner
	}
	return c
}

// importFields are the fields of an entry of an import list.
var importFields = []string{"path", "name", "env", "owner", "rotation_days", "every", "description", "tags", "runbook", "value"}

type importError struct{ msg string }

func (e importError) Error() string        { return e.msg }
func (e importError) Is(target error) bool { return target == ErrBadImport }

func importErrorf(format string, args ...any) error {
	return importError{fmt.Sprintf(format, args...)}
}

// ParseImportList reads an inventory list in JSON or YAML: an array of
// entries, a map {"secrets": [...]}, or a map of path to entry. An entry
// has path (or name), env, owner, rotation_days or every, description,
// tags, runbook and value; a path that does not start with one of
// environments is put under env (defaultEnv where the entry has none). Every entry is checked, and the first bad
// one is the error, naming the entry (its number, from 1, and its path)
// and the field.
func ParseImportList(data []byte, environments []string, defaultEnv string) ([]ImportEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, importErrorf("not JSON or YAML: %s", OneLine(errors.New(strings.TrimPrefix(err.Error(), "yaml: "))))
	}
	if len(doc.Content) == 0 {
		return nil, importErrorf("the list is empty")
	}
	items, keys, err := listItems(doc.Content[0])
	if err != nil {
		return nil, err
	}
	entries := make([]ImportEntry, 0, len(items))
	seen := map[string]int{}
	for i, item := range items {
		e, err := parseImportEntry(item, keys[i], environments, defaultEnv)
		if err != nil {
			return nil, fmt.Errorf("entry %d%s: %w", i+1, named(e.Path, keys[i]), err)
		}
		if first, ok := seen[e.Path]; ok {
			return nil, importErrorf("entry %d (%s): path: the same secret as entry %d", i+1, e.Path, first)
		}
		seen[e.Path] = i + 1
		entries = append(entries, e)
	}
	return entries, nil
}

func named(path, key string) string {
	switch {
	case path != "":
		return " (" + path + ")"
	case key != "":
		return " (" + key + ")"
	}
	return ""
}

// listItems finds the entries of a list and, for a map of path to entry,
// each one's key.
func listItems(root *yaml.Node) ([]*yaml.Node, []string, error) {
	switch root.Kind {
	case yaml.SequenceNode:
		return root.Content, make([]string, len(root.Content)), nil
	case yaml.MappingNode:
		if len(root.Content) == 2 && root.Content[0].Value == "secrets" {
			if root.Content[1].Kind != yaml.SequenceNode {
				return nil, nil, importErrorf("secrets: an array of entries is expected")
			}
			return root.Content[1].Content, make([]string, len(root.Content[1].Content)), nil
		}
		var items []*yaml.Node
		var keys []string
		for i := 0; i+1 < len(root.Content); i += 2 {
			keys = append(keys, root.Content[i].Value)
			items = append(items, root.Content[i+1])
		}
		return items, keys, nil
	}
	return nil, nil, importErrorf("an import list is an array of entries, {\"secrets\": [...]}, or a map of path to entry")
}

// parseImportEntry reads one entry; key is its path in a map of path to
// entry. The returned entry has its path as soon as it is known, for the
// error.
func parseImportEntry(n *yaml.Node, key string, environments []string, defaultEnv string) (ImportEntry, error) {
	var e ImportEntry
	if n.Kind != yaml.MappingNode {
		return e, importErrorf("an entry is an object with path, owner, ...")
	}
	fields := map[string]*yaml.Node{}
	var bad error
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, value := n.Content[i].Value, n.Content[i+1]
		switch _, dup := fields[name]; {
		case bad != nil:
		case !slices.Contains(importFields, name):
			bad = importErrorf("unknown field %q (known: %s)", name, strings.Join(importFields, ", "))
		case dup:
			bad = importErrorf("%s: given twice", name)
		case name != "tags" && value.Kind != yaml.ScalarNode:
			bad = importErrorf("%s: a single value is expected", name)
		}
		fields[name] = value
	}
	text := func(name string) string {
		if f := fields[name]; f != nil && f.Kind == yaml.ScalarNode {
			return f.Value
		}
		return ""
	}
	if bad != nil { // named by the path as written, for the error
		e.Path = cmp.Or(text("path"), key, text("name"))
		return e, bad
	}
	path, err := importPath(text("path"), text("name"), text("env"), defaultEnv, key, fields["path"] != nil || key != "", environments)
	e.Path = path
	if err != nil {
		return e, err
	}
	e.Owner = strings.TrimSpace(text("owner"))
	if e.Owner == "" {
		return e, importErrorf("owner: missing: every secret has exactly one owner")
	}
	if err := readImportMetadata(&e, fields); err != nil {
		return e, err
	}
	if f := fields["value"]; f != nil {
		if f.Value == "" {
			return e, importErrorf("value: empty (leave value out to create the secret without one)")
		}
		e.Value = []byte(f.Value)
	}
	// The rules of metadata are Apply's: text on one line, tags, runbook
	// names.
	if err := e.Change().Apply(&Secret{Path: e.Path}); err != nil {
		return e, importError{err.Error()}
	}
	return e, nil
}

// importPath is an entry's path: path (or the key of a map of path to
// entry, or name), under env where it does not start with an environment.
func importPath(path, name, env, defaultEnv, key string, hasPath bool, environments []string) (string, error) {
	if !hasPath {
		path = name
	} else if path == "" {
		path = key
	}
	if path == "" {
		return "", importErrorf("path: missing")
	}
	if hasPath && name != "" && name != path[strings.LastIndex(path, "/")+1:] {
		return path, importErrorf("name: %q is not the last segment of the path", name)
	}
	first, _, _ := strings.Cut(path, "/")
	if env == "" && !slices.Contains(environments, first) {
		env = defaultEnv
	}
	switch {
	case env == "":
	case slices.Contains(environments, first) && first != env:
		return path, importErrorf("env: %q, but the path is in %q", env, first)
	case !slices.Contains(environments, first):
		if !slices.Contains(environments, env) {
			return path, importErrorf("env: %q is not an environment of this store (%s)", env, strings.Join(environments, ", "))
		}
		path = env + "/" + path
	}
	if err := ValidatePath(path, environments); err != nil {
		return path, importError{"path: " + err.Error()}
	}
	return path, nil
}

func readImportMetadata(e *ImportEntry, fields map[string]*yaml.Node) error {
	if f := fields["description"]; f != nil {
		e.Description = &f.Value
	}
	if f := fields["runbook"]; f != nil {
		e.Runbook = &f.Value
	}
	if f := fields["tags"]; f != nil {
		tags, err := importTags(f)
		if err != nil {
			return err
		}
		e.Tags = &tags
	}
	days, every := fields["rotation_days"], fields["every"]
	switch {
	case days != nil && every != nil:
		return importErrorf("rotation_days and every: give one of them")
	case days != nil:
		n, err := strconv.Atoi(days.Value)
		if err != nil || n < 0 {
			return importErrorf("rotation_days: a whole number of days is expected")
		}
		p, err := ParseEvery(strconv.Itoa(n) + "d")
		if n == 0 {
			p, err = Every{}, nil
		}
		if err != nil {
			return importErrorf("rotation_days: %v", err)
		}
		e.Every = &p
	case every != nil:
		p, err := ParseEvery(every.Value)
		if err != nil {
			return importErrorf("every: %v", err)
		}
		e.Every = &p
	}
	return nil
}

// importTags reads tags as an array of strings or as "a, b".
func importTags(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return SplitTags(n.Value), nil
	case yaml.SequenceNode:
		tags := make([]string, 0, len(n.Content))
		for _, t := range n.Content {
			if t.Kind != yaml.ScalarNode {
				return nil, importErrorf("tags: an array of words is expected")
			}
			tags = append(tags, t.Value)
		}
		return tags, nil
	}
	return nil, importErrorf("tags: an array of words is expected")
}

// DotenvVar is one KEY=VALUE line of a .env file.
type DotenvVar struct {
	Key   string
	Value []byte
	Line  int
}

// ParseDotenv reads a .env file as dotenv tools do: blank lines and lines
// starting with # are skipped, "export " before a key is dropped, a value
// is unquoted (trimmed, an inline " #" comment dropped), in single quotes
// (taken as it is) or in double quotes (\n, \r, \t, \", \\ and \$
// unescaped). Variables are not expanded. Errors name the line, never the
// value.
func ParseDotenv(data []byte) ([]DotenvVar, error) {
	var vars []DotenvVar
	seen := map[string]int{}
	for i, raw := range strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n") {
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		key, rest, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !dotenvKey(key) {
			return nil, importErrorf("line %d: not KEY=VALUE (a key is letters, digits and _)", i+1)
		}
		value, err := dotenvValue(strings.TrimSpace(rest))
		if err != nil {
			return nil, importErrorf("line %d: %s: %v", i+1, key, err)
		}
		if first, dup := seen[key]; dup {
			return nil, importErrorf("line %d: %s is set already on line %d", i+1, key, first)
		}
		seen[key] = i + 1
		vars = append(vars, DotenvVar{Key: key, Value: value, Line: i + 1})
	}
	return vars, nil
}

func dotenvKey(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func dotenvValue(v string) ([]byte, error) {
	switch {
	case strings.HasPrefix(v, "'"):
		end := strings.Index(v[1:], "'")
		if end < 0 {
			return nil, errors.New("the single quote is not closed")
		}
		if err := afterQuote(v[end+2:]); err != nil {
			return nil, err
		}
		return []byte(v[1 : end+1]), nil
	case strings.HasPrefix(v, `"`):
		var b bytes.Buffer
		for i := 1; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				return b.Bytes(), afterQuote(v[i+1:])
			case c == '\\' && i+1 < len(v):
				i++
				b.WriteByte(unescape(v[i]))
			default:
				b.WriteByte(c)
			}
		}
		return nil, errors.New("the double quote is not closed")
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return []byte(v), nil
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // \" \\ \$ and the rest stand for themselves
}

func afterQuote(rest string) error {
	if rest = strings.TrimSpace(rest); rest != "" && !strings.HasPrefix(rest, "#") {
		return errors.New("text after the closing quote")
	}
	return nil
}

// DotenvPath is where KEY of a .env file goes under prefix: the key in
// lower case, _ made -, so DB_PASSWORD under prod/etl/ is
// prod/etl/db-password.
func DotenvPath(prefix, key string) string {
	return strings.TrimSuffix(prefix, "/") + "/" + strings.ReplaceAll(strings.ToLower(key), "_", "-")
}

// EnvKey is the variable name of path below prefix, as export writes it:
// upper case, with / - and . made _ (prod/etl/db-password under prod/etl
// is DB_PASSWORD).
func EnvKey(prefix, path string) string {
	rest := path
	if p := strings.TrimSuffix(prefix, "/"); p != "" && strings.HasPrefix(path, p+"/") {
		rest = path[len(p)+1:]
	}
	return strings.ToUpper(strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(rest))
}

// PassageEntry is what a passage file holds: the value on its first line,
// then lines that cabinet reads as metadata.
type PassageEntry struct {
	Value       []byte
	Owner       string
	Description *string
	Tags        *[]string
	// Ignored are the numbers of the lines after the first that are not
	// owner:, description: or tags: (their text may be secret: it is not
	// kept).
	Ignored []int
}

// ParsePassageEntry reads the decrypted text of a passage file: the first
// line is the value, and "owner: X", "description: ..." and "tags: a, b"
// lines after it are metadata.
func ParsePassageEntry(plain []byte) (PassageEntry, error) {
	var p PassageEntry
	lines := strings.Split(string(plain), "\n")
	p.Value = []byte(strings.TrimSuffix(lines[0], "\r"))
	if len(p.Value) == 0 {
		return p, importErrorf("the first line (the value) is empty")
	}
	for i, line := range lines[1:] {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "owner":
			p.Owner = value
		case "description":
			p.Description = &value
		case "tags":
			tags := SplitTags(value)
			p.Tags = &tags
		default:
			p.Ignored = append(p.Ignored, i+2)
		}
	}
	return p, nil
}
