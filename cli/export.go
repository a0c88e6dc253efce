package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

type exportOptions struct {
	format, name string
	force        bool
}

var exportFormats = []string{"dotenv", "json", "k8s"}

func newExportCmd(a *App) *cobra.Command {
	var o exportOptions
	c := &cobra.Command{
		Use:   "export [PREFIX] --format dotenv|json|k8s",
		Short: "Print the current values under a prefix as .env, JSON or a Kubernetes Secret",
		Long: `Decrypt the current value of every secret under PREFIX (all of them without
one) and print them:
  dotenv  KEY=VALUE lines, KEY the path after PREFIX in upper case with /, -
          and . made _ (prod/etl/db-password under prod/etl/ is DB_PASSWORD)
  json    the list ` + "`cabinet import`" + ` reads, with metadata and values: an export
          imports into another store as it was
  k8s     a Kubernetes Secret (type Opaque, the values base64 under data, keyed
          as dotenv keys them), named --name or after PREFIX (prod-etl)

Every value read is recorded in the audit log. Secrets without a current
value are left out with a warning (json keeps their metadata). Values are
not printed to a terminal unless --force: redirect the output to a file
that only you can read, or pipe it to the tool that needs it.`,
		Example: `  cabinet export prod/etl/ --format dotenv > etl.env
  cabinet export prod/ --format json > prod-secrets.json
  cabinet export prod/etl --format k8s --name etl-secrets | kubectl apply -f -`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completePaths(a),
		RunE: func(c *cobra.Command, args []string) error {
			prefix := ""
			if len(args) == 1 {
				prefix = args[0]
			}
			return runExport(a, prefix, o)
		},
	}
	c.Flags().StringVar(&o.format, "format", "", "dotenv, json or k8s (required)")
	c.Flags().StringVar(&o.name, "name", "", "the Kubernetes Secret's name (default: the prefix, / made -)")
	c.Flags().BoolVarP(&o.force, "force", "f", false, "print values even to a terminal")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(exportFormats, cobra.ShellCompDirectiveNoFileComp))
	return c
}

// exported is one secret of an export, its value decrypted (nil when it
// has no current one).
type exported struct {
	sec   inventory.Secret
	value []byte
}

func runExport(a *App, prefix string, o exportOptions) error {
	if !slices.Contains(exportFormats, o.format) {
		return usagef("--format: give one of %s", strings.Join(exportFormats, ", "))
	}
	if o.name != "" && o.format != "k8s" {
		return usagef("--name goes with --format k8s")
	}
	name := o.name
	if o.format == "k8s" {
		var err error
		if name, err = k8sName(prefix, o.name); err != nil {
			return err
		}
	}
	if a.Terminal(a.Out) && !o.force {
		return usagef("export prints secret values: redirect it to a file or a pipe, or add --force to print them on this terminal")
	}
	secrets, err := readExport(a, prefix, o.format == "json")
	defer func() {
		for _, x := range secrets {
			clear(x.value)
		}
	}()
	if err != nil {
		return err
	}
	var out []byte
	switch o.format {
	case "dotenv":
		out, err = formatDotenv(prefix, secrets)
	case "json":
		out, err = formatExportJSON(secrets)
	case "k8s":
		out, err = formatK8s(prefix, name, secrets)
	}
	defer clear(out)
	if err != nil {
		return err
	}
	if _, err := a.Out.Write(out); err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "exported %s\n", plural(len(secrets), "secret"))
	return nil
}

// readExport decrypts the current values under prefix, each read audited.
// keepEmpty keeps the secrets without a current value (for json), which
// are otherwise left out.
func readExport(a *App, prefix string, keepEmpty bool) ([]exported, error) {
	s, err := a.openStore()
	if err != nil {
		return nil, err
	}
	list, bad, err := s.ListPrefix(prefix)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		importWarning(a, "%s", b.Error())
	}
	if len(list) == 0 {
		return nil, inventory.WithHint(fmt.Errorf("no secrets under %q to export: %w", prefix, store.ErrNotFound), "`cabinet ls` lists the secrets")
	}
	id, err := a.identity()
	if err != nil {
		return nil, err
	}
	act := a.act(s, id)
	var secrets []exported
	for _, sec := range list {
		if sec.CurrentVersion() == nil {
			if keepEmpty {
				importWarning(a, "%s has no current value: exported without one", sec.Path)
				secrets = append(secrets, exported{sec: sec})
			} else {
				importWarning(a, "%s has no current value: left out", sec.Path)
			}
			continue
		}
		value, _, err := s.Read(sec.Path, inventory.Selector{}, id, act)
		if err != nil {
			return secrets, err
		}
		secrets = append(secrets, exported{sec: sec, value: value})
	}
	return secrets, nil
}

// envKeys are the variable names of secrets under prefix; two secrets
// with one name are refused.
func envKeys(prefix string, secrets []exported) ([]string, error) {
	keys := make([]string, len(secrets))
	seen := map[string]string{}
	for i, x := range secrets {
		keys[i] = inventory.EnvKey(prefix, x.sec.Path)
		if other, dup := seen[keys[i]]; dup {
			return nil, usagef("%s and %s would both be %s: export a narrower prefix", other, x.sec.Path, keys[i])
		}
		seen[keys[i]] = x.sec.Path
	}
	return keys, nil
}

func formatDotenv(prefix string, secrets []exported) ([]byte, error) {
	keys, err := envKeys(prefix, secrets)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for i, x := range secrets {
		b.WriteString(keys[i])
		b.WriteByte('=')
		writeDotenvValue(&b, x.value)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

var plainDotenv = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:@+,=-]*$`) })

// writeDotenvValue quotes a value so that dotenv tools (and import) read
// it back exactly: bare when it is plain, in single quotes when that is
// enough, else in double quotes with \ " $ and line breaks escaped.
func writeDotenvValue(b *bytes.Buffer, v []byte) {
	switch {
	case plainDotenv().Match(v):
		b.Write(v)
	case !bytes.ContainsAny(v, "'\n\r"):
		b.WriteByte('\'')
		b.Write(v)
		b.WriteByte('\'')
	default:
		b.WriteByte('"')
		for _, c := range v {
			switch c {
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '"', '\\', '$', '`':
				b.WriteByte('\\')
				b.WriteByte(c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
}

// exportEntry is one entry of the list import reads.
type exportEntry struct {
	Path        string   `json:"path"`
	Owner       string   `json:"owner"`
	Description string   `json:"description,omitempty"`
	Tags        []string `json:"tags,omitempty"`
	Every       string   `json:"every,omitempty"`
	Runbook     string   `json:"runbook,omitempty"`
	Value       *string  `json:"value,omitempty"`
}

func formatExportJSON(secrets []exported) ([]byte, error) {
	entries := make([]exportEntry, 0, len(secrets))
	for _, x := range secrets {
		e := exportEntry{Path: x.sec.Path, Owner: x.sec.Owner, Description: x.sec.Description, Tags: x.sec.Tags,
			Every: x.sec.Rotation.Every.String(), Runbook: x.sec.Rotation.Runbook}
		if x.value != nil {
			if !utf8.Valid(x.value) {
				return nil, usagef("%s: the value is not UTF-8 text, which JSON cannot hold: export it as k8s (base64)", x.sec.Path)
			}
			v := string(x.value)
			e.Value = &v
		}
		entries = append(entries, e)
	}
	out, err := json.MarshalIndent(struct {
		Secrets []exportEntry `json:"secrets"`
	}{entries}, "", "  ")
	return append(out, '\n'), err
}

// k8sSecret is a Kubernetes Secret manifest.
type k8sSecret struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sMetadata       `yaml:"metadata"`
	Type       string            `yaml:"type"`
	Data       map[string]string `yaml:"data"`
}

type k8sMetadata struct {
	Name string `yaml:"name"`
}

// dnsSubdomain is what Kubernetes accepts as an object's name.
var dnsSubdomain = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`) })

// k8sName is --name, or the prefix made a name: prod/etl/ is prod-etl.
func k8sName(prefix, name string) (string, error) {
	if name == "" {
		name = strings.NewReplacer("/", "-", "_", "-").Replace(strings.Trim(prefix, "/"))
		if name == "" {
			return "", usagef("a Kubernetes Secret needs a name: give --name, or a prefix to name it after")
		}
	}
	if len(name) > 253 || !dnsSubdomain().MatchString(name) {
		return "", usagef("--name %q is not a Kubernetes name: lower-case letters, digits, - and ., starting and ending with a letter or digit", name)
	}
	return name, nil
}

func formatK8s(prefix, name string, secrets []exported) ([]byte, error) {
	keys, err := envKeys(prefix, secrets)
	if err != nil {
		return nil, err
	}
	m := k8sSecret{APIVersion: "v1", Kind: "Secret", Metadata: k8sMetadata{Name: name}, Type: "Opaque", Data: map[string]string{}}
	for i, x := range secrets {
		m.Data[keys[i]] = base64.StdEncoding.EncodeToString(x.value)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}
