package inventory_test

import (
	"fmt"
	"time"

	"github.com/cabinethq/cabinet/inventory"
)

func ExampleValidatePath() {
	for _, p := range []string{"prod/db/password", "prod/../etc/passwd", "qa/db/password", "prod"} {
		if err := inventory.ValidatePath(p, inventory.DefaultEnvironments); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p, "is valid")
	}
	// Output:
	// prod/db/password is valid
	// invalid secret path "prod/../etc/passwd": segment 2 ".." must start with a lower-case letter or digit
	// invalid secret path "qa/db/password": "qa" is not an environment of this store (dev, stg, prod)
	// invalid secret path "prod": it needs 2 to 8 segments separated by /, like prod/db/password
}

func ExampleParseRef() {
	for _, ref := range []string{"secret://prod/db/password", "prod/db/password@previous", "prod/db/password#3", "prod/db/password#0"} {
		path, sel, err := inventory.ParseRef(ref)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(path, sel)
	}
	// Output:
	// prod/db/password @current
	// prod/db/password @previous
	// prod/db/password #3
	// invalid reference "prod/db/password#0": "0" is not a version number (use #1, #2, ...)
}

func ExampleParseEvery() {
	every, err := inventory.ParseEvery("90d")
	if err != nil {
		panic(err)
	}
	fmt.Println(every, every.Duration())
	_, err = inventory.ParseEvery("3 months")
	fmt.Println(err)
	// Output:
	// 90d 2160h0m0s
	// invalid rotation period "3 months": use a whole number of hours, days or weeks, like 90d, 2w or 12h
}

func ExampleSecret_AddCurrent() {
	s := &inventory.Secret{Path: "prod/db/password", Owner: "data-platform"}
	const ciphertext = "-----BEGIN AGE ENCRYPTED FILE-----\n...\n-----END AGE ENCRYPTED FILE-----\n"
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for range 3 {
		s.AddCurrent(ciphertext, "alice", now)
	}
	for _, v := range s.Versions {
		fmt.Println(v.Number, v.State)
	}
	// Output:
	// 3 current
	// 2 previous
	// 1 retired
}

func ExampleSecret_Version() {
	s := &inventory.Secret{Path: "prod/db/password", Versions: []inventory.Version{
		{Number: 4, State: inventory.Pending},
		{Number: 3, State: inventory.Current},
		{Number: 2, State: inventory.Previous},
	}}
	for _, ref := range []string{"prod/db/password", "prod/db/password@pending", "prod/db/password#2", "prod/db/password#1"} {
		_, sel, _ := inventory.ParseRef(ref)
		v, err := s.Version(sel)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(sel, "is version", v.Number)
	}
	// Output:
	// @current is version 3
	// @pending is version 4
	// #2 is version 2
	// prod/db/password has no version #1: no such version
}

func ExampleStatusAt() {
	every, _ := inventory.ParseEvery("90d")
	s := &inventory.Secret{
		Path: "prod/db/password", Owner: "data-platform",
		Rotation: inventory.Rotation{Every: every},
		Versions: []inventory.Version{{Number: 1, State: inventory.Current, Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	deadline, _ := inventory.Deadline(s)
	fmt.Println("deadline", deadline.Format(time.DateOnly))
	for _, day := range []string{"2026-02-01", "2026-03-25", "2026-04-01"} {
		now, _ := time.Parse(time.DateOnly, day)
		fmt.Println(day, inventory.StatusAt(s, now, inventory.DefaultWarning))
	}
	s.Exposures = []inventory.Exposure{{Member: "bob", At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}}
	fmt.Println("bob removed:", inventory.StatusAt(s, time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), inventory.DefaultWarning))
	// Output:
	// deadline 2026-04-01
	// 2026-02-01 ok
	// 2026-03-25 due
	// 2026-04-01 overdue
	// bob removed: exposed
}

func ExampleRecipients_ScopeOf() {
	r := inventory.Recipients{Scopes: map[string][]string{
		"*":        {"alice"},
		"prod/":    {"alice", "etl-prod"},
		"prod/db/": {"alice", "dba"},
	}}
	for _, p := range []string{"prod/db/password", "prod/dbx/token", "dev/api/key"} {
		scope, _ := r.ScopeOf(p)
		fmt.Println(p, "->", scope, r.ReadersOf(p))
	}
	// Output:
	// prod/db/password -> prod/db/ [alice dba]
	// prod/dbx/token -> prod/ [alice etl-prod]
	// dev/api/key -> * [alice]
}

func ExampleNormalizeScope() {
	for _, in := range []string{"prod", "prod/db/", "*"} {
		scope, _ := inventory.NormalizeScope(in, inventory.DefaultEnvironments)
		fmt.Printf("%q -> %q\n", in, scope)
	}
	// Output:
	// "prod" -> "prod/"
	// "prod/db/" -> "prod/db/"
	// "*" -> "*"
}

func ExampleLost() {
	fmt.Println(inventory.Lost([]string{"alice", "bob", "etl-prod"}, []string{"alice", "etl-prod"}))
	// Output:
	// [bob]
}

func ExampleChainHash() {
	first := []byte(`{"time":"2026-01-01T00:00:00Z","actor":"alice","action":"read","path":"prod/db/password","version":3,"outcome":"ok","prev":""}`)
	// The next line of the same file carries this in its "prev" field.
	fmt.Println(inventory.ChainHash(first))
	// Output:
	// 1b44d36a0b85232416745c306a19142209824e69eb504b65003083cf74ced1b3
}
