package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/refs"
)

type runOptions struct {
	envFiles []string
	noMask   bool
}

func newRunCmd(a *App) *cobra.Command {
	var o runOptions
	c := &cobra.Command{
		Use:   "run [--env-file FILE]... -- CMD [ARG]...",
		Short: "Start a command with its secret:// references resolved, its output masked",
		Long: `Start CMD with every environment variable whose value is a reference
(secret://PATH, secret://PATH@previous, @pending, secret://PATH#N) replaced by
that value. --env-file adds the NAME=VALUE lines of a .env file to the
environment (a file's value wins over the environment's, a later file's over
an earlier one's), references resolved alike. A value that only mentions a
reference inside a longer string is left as it is: cabinet render does that
for files.

Every reference is read, and decrypted, before CMD starts: a reference to a
secret that does not exist, or that your identity may not read, stops the job
with one line naming the variable and the secret, and CMD never starts. In CI,
give the job its own identity in CABINET_IDENTITY: it reads its scopes only.

What CMD prints, on standard output and standard error, has every value
replaced by *** (also a value split over two writes, and each line of a
multi-line value); --no-masking passes the output through as it is (a
terminal CMD draws on). CMD reads cabinet's standard input; SIGTERM, SIGHUP,
SIGQUIT, SIGUSR1 and SIGUSR2 are passed on to it (SIGINT too, unless a
terminal sends Ctrl+C to both), and cabinet exits with CMD's exit code
(128+N when signal N ended it; 127 when CMD is not found). The run is one line
in the audit log, listing every value it read.`,
		Example: `  DB_PASSWORD=secret://prod/db/password cabinet run -- ./etl.sh
  cabinet run --env-file .env.ci -- python -m pipeline
  CABINET_IDENTITY="$ETL_KEY" cabinet run --env-file etl.env -- dbt run`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return runJob(a, o, args)
		},
	}
	c.Flags().SetInterspersed(false) // what follows CMD is CMD's
	c.Flags().StringArrayVar(&o.envFiles, "env-file", nil, "a .env file whose NAME=VALUE lines join the environment (repeatable)")
	c.Flags().BoolVar(&o.noMask, "no-masking", false, "pass CMD's output through unmasked")
	return c
}

// jobVar is an environment variable of the job whose value is a reference.
type jobVar struct {
	name string
	ref  refs.Ref
}

func runJob(a *App, o runOptions, args []string) error {
	env, err := jobEnvironment(a, o.envFiles)
	if err != nil {
		return err
	}
	var vars []jobVar
	for _, v := range env {
		if r, ok := refs.Whole(v.Value); ok {
			vars = append(vars, jobVar{v.Name, r})
		}
	}
	values := refs.Values{}
	if len(vars) > 0 {
		if values, err = resolveJob(a, vars, filepath.Base(args[0])); err != nil {
			return err
		}
		defer values.Clear()
	}
	environ := make([]string, 0, len(env))
	for _, v := range env {
		if r, ok := refs.Whole(v.Value); ok {
			environ = append(environ, v.Name+"="+string(values.Of(r)))
			continue
		}
		environ = append(environ, v.Name+"="+v.Value)
	}
	job := refs.Job{Args: args, Env: environ, Stdin: a.In, Stdout: a.Out, Stderr: a.Err, ForwardInterrupt: !a.Terminal(a.In)}
	if !o.noMask {
		job.Mask = values.All()
	}
	code, err := refs.Run(job)
	if err != nil {
		return exitWith(code, err)
	}
	if code != 0 {
		return exitWith(code, nil)
	}
	return nil
}

// envVar is one variable of a job's environment.
type envVar struct{ Name, Value string }

// jobEnvironment is the process's environment, then each env file's
// variables (read as cabinet import reads a .env file), a later one
// replacing an earlier one of the same name.
func jobEnvironment(a *App, files []string) ([]envVar, error) {
	var env []envVar
	index := map[string]int{}
	set := func(v envVar) {
		if i, ok := index[v.Name]; ok {
			env[i] = v
			return
		}
		index[v.Name] = len(env)
		env = append(env, v)
	}
	for _, kv := range a.environ() {
		if name, value, ok := strings.Cut(kv, "="); ok && name != "" {
			set(envVar{Name: name, Value: value})
		}
	}
	for _, f := range files {
		data, err := readSmallFile(f)
		if err != nil {
			return nil, usagef("--env-file %s: %v", f, err)
		}
		vars, err := inventory.ParseDotenv(data)
		if err != nil {
			return nil, usagef("--env-file %s: %v", f, err)
		}
		for _, v := range vars {
			set(envVar{Name: v.Key, Value: string(v.Value)})
		}
	}
	return env, nil
}

// resolveJob reads every reference of the job at once. An error names the
// variable (the first, if several hold the reference) and the reference.
func resolveJob(a *App, vars []jobVar, what string) (refs.Values, error) {
	s, err := a.openStore()
	if err != nil {
		return nil, err
	}
	var list []refs.Ref
	for _, v := range vars {
		if err := s.ValidatePath(v.ref.Path); err != nil {
			return nil, usagef("%s: %s: %v", v.name, v.ref, err)
		}
		list = append(list, v.ref)
	}
	id, err := a.identity()
	if err != nil {
		return nil, err
	}
	values, err := refs.Resolve(s, inventory.ActionRun, inventory.Printable(what), list, id, a.act(s, id))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", varsOf(vars, err), err)
	}
	return values, nil
}

// varsOf names the variable whose reference err is about, by the path it
// names, or all of them.
func varsOf(vars []jobVar, err error) string {
	for _, v := range vars {
		if strings.Contains(err.Error(), v.ref.Path) {
			return v.name + ": " + v.ref.String()
		}
	}
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.name
	}
	return strings.Join(names, ", ")
}
