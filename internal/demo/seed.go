// Package demo builds the throwaway sample inventory of `cabinet demo`, and
// holds what bench/gen builds its large stores with too: the runbooks both
// write and the shapes of values both make.
package demo

import (
	"crypto/rand"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cabinethq/cabinet/crypto"
	"github.com/cabinethq/cabinet/inventory"
	"github.com/cabinethq/cabinet/store"
)

// demoUser is the member that `cabinet demo` acts as.
const demoUser = "alice"

// demoIdentitySource names the demo's identity in the header and in errors.
const demoIdentitySource = "in-memory demo key"

// demoSecret describes one secret of the demo inventory.
type demoSecret struct {
	path, owner, description string
	tags                     []string
	every                    string // "" for no policy
	runbook                  string // set afterwards through Edit
	by                       string // who set the values; "" is the demo user
	value                    func() ([]byte, error)
	// days are the ages, in days before now, of the values, oldest first;
	// none makes a secret that has no value yet.
	days []int
	// pending adds a rotation in progress: a pending version this many hours
	// old.
	pending int
}

// The demo's membership history, in days before now.
const (
	demoStoreAge   = 400 // alice creates the store
	demoDaveJoins  = 200 // a contractor gets stg/kafka/ for a migration
	demoDaveLeaves = 21  // and leaves: what he could read is exposed
)

// demoSecrets is the sample inventory of a data-pipeline team. Its statuses,
// with the default 14-day warning window, are spelled out on each line.
func demoSecrets() []demoSecret {
	return []demoSecret{
		// prod: alice and the etl-prod job identity.
		{path: "prod/warehouse/etl-password", owner: "data-platform", description: "Password of etl_service, the nightly ETL's login to the warehouse",
			tags: []string{"warehouse", "etl"}, every: "90d", runbook: "db-password", value: demoGen(32, "alnum"), days: []int{250, 160}, pending: 3}, // rotated 70 days ago; rotating
		{path: "prod/warehouse/dbt-password", owner: "analytics", description: "dbt Cloud's login to the warehouse (transform jobs)",
			tags: []string{"warehouse", "dbt"}, every: "90d", runbook: "db-password", value: demoGen(32, "alnum"), days: []int{190, 97}}, // overdue
		{path: "prod/warehouse/readonly-password", owner: "analytics", description: "Read-only login used by dashboards and ad-hoc queries",
			tags: []string{"warehouse", "bi"}, every: "180d", value: demoGen(24, "alnum"), days: []int{120}}, // ok
		{path: "prod/postgres/orders-password", owner: "payments", description: "Replica login of the orders database, read by the CDC connector",
			tags: []string{"postgres", "cdc", "pii"}, every: "30d", runbook: "db-password", value: demoGen(32, "alnum"), days: []int{75, 44, 21}}, // due
		{path: "prod/postgres/replication-password", owner: "data-platform", description: "Logical replication slot user of the orders database",
			tags: []string{"postgres", "cdc"}, every: "90d", value: demoGen(40, "alnum"), days: []int{300, 210, 130}}, // overdue
		{path: "prod/kafka/sasl-password", owner: "data-platform", description: "SASL/SCRAM password of the pipeline's Kafka producer and consumers",
			tags: []string{"kafka", "streaming"}, every: "90d", runbook: "kafka-credentials", value: demoGen(40, "alnum"), days: []int{180, 84}}, // due
		{path: "prod/kafka/schema-registry-token", owner: "data-platform", description: "API token of the schema registry",
			tags: []string{"kafka", "streaming"}, every: "180d", value: demoGen(48, "hex"), days: []int{40}}, // ok
		{path: "prod/s3/access-key", owner: "data-platform", description: "AWS access key ID of the lake-writer IAM user",
			tags: []string{"aws", "lake"}, every: "90d", value: demoAWSAccessKey, days: []int{100, 12}}, // ok
		{path: "prod/s3/secret-key", owner: "data-platform", description: "AWS secret access key of the lake-writer IAM user",
			tags: []string{"aws", "lake"}, every: "90d", value: demoGen(40, "alnum"), days: []int{100, 12}}, // ok
		{path: "prod/partner/stripe-api-key", owner: "payments", description: "Stripe restricted key that the revenue sync reads charges with",
			tags: []string{"partner", "stripe", "revenue"}, every: "180d", runbook: "stripe-api-key", value: demoPrefixed("rk_live_", 32, "alnum"), days: []int{200}}, // overdue
		{path: "prod/partner/stripe-webhook-secret", owner: "payments", description: "Signing secret of the Stripe webhook endpoint",
			tags: []string{"partner", "stripe"}, value: demoPrefixed("whsec_", 32, "alnum"), days: []int{260}}, // no-policy
		{path: "prod/partner/salesforce-client-secret", owner: "growth", description: "OAuth client secret of the Salesforce connected app (CRM export)",
			tags: []string{"partner", "crm"}, every: "180d", value: demoGen(64, "hex"), days: []int{90}}, // ok
		{path: "prod/partner/hubspot-token", owner: "growth", description: "Private app token for the HubSpot export; waiting for the partner's key",
			tags: []string{"partner", "crm"}, every: "90d"}, // no-value
		{path: "prod/airflow/fernet-key", owner: "data-platform", description: "Airflow's key for the connections it stores; rotating it means re-encrypting them",
			tags: []string{"airflow"}, value: demoFernetKey, days: []int{340}}, // no-policy
		{path: "prod/airflow/webserver-secret-key", owner: "data-platform", description: "Flask secret key of the Airflow web server (session cookies)",
			tags: []string{"airflow"}, every: "180d", value: demoGen(48, "symbols"), days: []int{60}}, // ok
		{path: "prod/ml/feature-store-token", owner: "ml-platform", description: "Token the feature pipelines use to write to the online feature store",
			tags: []string{"ml", "features"}, every: "30d", value: demoGen(40, "alnum"), days: []int{65, 33}}, // overdue
		{path: "prod/ml/model-registry-password", owner: "ml-platform", description: "Login of the training jobs to the model registry",
			tags: []string{"ml"}, every: "90d", value: demoGen(28, "symbols"), days: []int{110, 20}}, // ok
		{path: "prod/bigquery/service-account-key", owner: "analytics", description: "Service account key of the marketing export to BigQuery",
			tags: []string{"gcp", "bigquery"}, every: "90d", value: demoGCPKey, days: []int{45}}, // ok
		{path: "prod/sftp/partner-ssh-key", owner: "data-platform", description: "SSH key that pulls the partners' daily files from their SFTP drop",
			tags: []string{"sftp", "partner"}, every: "180d", value: demoPEM("OPENSSH PRIVATE KEY", 306), days: []int{150}}, // ok
		{path: "prod/tableau/personal-access-token", owner: "carol", description: "Carol's Tableau token for the extract refresh job",
			tags: []string{"bi"}, every: "90d", value: demoGen(32, "alnum"), days: []int{88}}, // due

		// stg: alice and bob (and, for a while, dave on stg/kafka/).
		{path: "stg/warehouse/etl-password", owner: "data-platform", description: "Password of etl_service on the staging warehouse",
			tags: []string{"warehouse", "etl"}, every: "90d", runbook: "db-password", by: "bob", value: demoGen(32, "alnum"), days: []int{140, 50}}, // ok
		{path: "stg/postgres/orders-password", owner: "payments", description: "Login of the CDC connector to the staging orders database",
			tags: []string{"postgres", "cdc"}, every: "90d", runbook: "db-password", value: demoGen(32, "alnum"), days: []int{100}}, // overdue
		{path: "stg/kafka/sasl-password", owner: "data-platform", description: "SASL/SCRAM password of the staging Kafka cluster",
			tags: []string{"kafka", "streaming"}, every: "90d", runbook: "kafka-credentials", by: "bob", value: demoGen(40, "alnum"), days: []int{150}}, // rotated 60 days ago; exposed
		{path: "stg/kafka/schema-registry-token", owner: "data-platform", description: "API token of the staging schema registry",
			tags: []string{"kafka", "streaming"}, every: "180d", by: "dave", value: demoGen(48, "hex"), days: []int{45}}, // exposed
		{path: "stg/s3/access-key", owner: "data-platform", description: "AWS access key ID of the staging lake-writer",
			tags: []string{"aws", "lake"}, every: "90d", by: "bob", value: demoAWSAccessKey, days: []int{30}}, // ok
		{path: "stg/s3/secret-key", owner: "data-platform", description: "AWS secret access key of the staging lake-writer",
			tags: []string{"aws", "lake"}, every: "90d", by: "bob", value: demoGen(40, "alnum"), days: []int{30}}, // ok
		{path: "stg/partner/stripe-api-key", owner: "payments", description: "Stripe test-mode key of the revenue sync",
			tags: []string{"partner", "stripe"}, every: "180d", runbook: "stripe-api-key", value: demoPrefixed("rk_test_", 32, "alnum"), days: []int{350}}, // rotated 170 days ago; due
		{path: "stg/partner/segment-write-key", owner: "growth", description: "Segment write key of the staging event collector",
			tags: []string{"partner", "events"}, every: "90d", value: demoGen(32, "alnum"), days: []int{230, 110}}, // overdue
		{path: "stg/airflow/fernet-key", owner: "data-platform", description: "Fernet key of the staging Airflow",
			tags: []string{"airflow"}, by: "bob", value: demoFernetKey, days: []int{200}}, // no-policy
		{path: "stg/ml/feature-store-token", owner: "ml-platform", description: "Token of the staging feature store",
			tags: []string{"ml", "features"}, every: "30d", value: demoGen(40, "alnum"), days: []int{38, 10}}, // ok

		// dev: alice, bob and carol.
		{path: "dev/warehouse/etl-password", owner: "data-platform", description: "Password of etl_service on the dev warehouse",
			tags: []string{"warehouse", "etl"}, every: "180d", by: "bob", value: demoGen(24, "alnum"), days: []int{90}}, // ok
		{path: "dev/postgres/orders-password", owner: "payments", description: "Login to the anonymised dev copy of the orders database",
			tags: []string{"postgres"}, by: "bob", value: demoGen(20, "alnum"), days: []int{300}}, // no-policy
		{path: "dev/kafka/sasl-password", owner: "data-platform", description: "SASL password of the dev Kafka cluster",
			tags: []string{"kafka"}, every: "180d", value: demoGen(24, "alnum"), days: []int{20}}, // ok
		{path: "dev/s3/access-key", owner: "data-platform", description: "AWS access key ID of the dev sandbox",
			tags: []string{"aws"}, every: "180d", by: "bob", value: demoAWSAccessKey, days: []int{60}}, // ok
		{path: "dev/s3/secret-key", owner: "data-platform", description: "AWS secret access key of the dev sandbox",
			tags: []string{"aws"}, every: "180d", by: "bob", value: demoGen(40, "alnum"), days: []int{60}}, // ok
		{path: "dev/airflow/fernet-key", owner: "data-platform", description: "Fernet key of the dev Airflow",
			tags: []string{"airflow"}, value: demoFernetKey, days: []int{120}}, // no-policy
		{path: "dev/jupyter/token", owner: "carol", description: "Token of Carol's shared notebook server",
			tags: []string{"ml", "notebooks"}, every: "30d", by: "carol", value: demoGen(48, "hex"), days: []int{40, 5}}, // ok
		{path: "dev/ml/wandb-api-key", owner: "ml-platform", description: "Weights & Biases API key of the experiment tracking",
			tags: []string{"ml"}, every: "90d", by: "carol", value: demoGen(40, "hex"), days: []int{40}}, // ok
		{path: "dev/partner/mixpanel-secret", owner: "growth", description: "Mixpanel project secret for the dev event export",
			tags: []string{"partner", "events"}, every: "180d", value: demoGen(32, "hex"), days: []int{30}}, // ok
		{path: "dev/growth/braze-api-key", owner: "growth", description: "Braze REST key of the campaign sync",
			tags: []string{"partner", "campaigns"}, value: demoGen(36, "lower"), days: []int{75}}, // no-policy
	}
}

// Seed builds the sample inventory of `cabinet demo` in dir, an empty
// folder that the caller made and deletes, and returns it opened, with the
// demo user's identity. The identity is generated in memory: it never
// touches the keyring or the disk. Everything goes through the store's and
// the rotation engine's own code, with the clock set back, so that versions,
// exposures and the audit log (reads by the team, rotations, one failed, one
// approved) look lived-in; the statuses are computed against now. Only the
// values and the keys are random.
func Seed(dir string, now time.Time) (*store.Store, *crypto.Identity, error) {
	gen, err := crypto.GenerateIdentity()
	if err != nil {
		return nil, nil, err
	}
	id, err := crypto.ParseIdentity(gen.Secret, demoIdentitySource)
	if err != nil {
		return nil, nil, err
	}
	// The teammates' identities read and rotate in the history; they are
	// dropped with the seed.
	teammates := map[string]string{}
	ids := map[string]*crypto.Identity{demoUser: id}
	for _, name := range []string{"bob", "carol", "etl-prod", "dave"} {
		g, err := crypto.GenerateIdentity()
		if err != nil {
			return nil, nil, err
		}
		teammates[name] = g.Public
		if ids[name], err = crypto.ParseIdentity(g.Secret, name); err != nil {
			return nil, nil, err
		}
	}
	s, err := store.Init(dir, demoUser, id.PublicKeys()[0])
	if err != nil {
		return nil, nil, err
	}
	if err := WriteRunbooks(dir, "db-password", "kafka-credentials", "stripe-api-key"); err != nil {
		return nil, nil, err
	}

	var steps []demoStep
	add := func(at time.Time, actor string, do func(store.Act) error) {
		steps = append(steps, demoStep{at: at, actor: actor, do: do})
	}
	daysAgo := func(days int, hours time.Duration) time.Time {
		return now.Add(-time.Duration(days)*24*time.Hour - hours*time.Hour)
	}

	// Members and scopes: "*": [alice], prod/: [alice, etl-prod],
	// stg/: [alice, bob], dev/: [alice, bob, carol].
	add(daysAgo(demoStoreAge-1, 0), demoUser, func(act store.Act) error {
		_, err := s.AddMember("etl-prod", teammates["etl-prod"], []string{"prod/"}, id, act)
		return err
	})
	add(daysAgo(demoStoreAge-2, 0), demoUser, func(act store.Act) error {
		_, err := s.AddMember("bob", teammates["bob"], []string{"stg/", "dev/"}, id, act)
		return err
	})
	add(daysAgo(demoStoreAge-60, 0), demoUser, func(act store.Act) error {
		_, err := s.AddMember("carol", teammates["carol"], nil, id, act)
		return err
	})
	add(daysAgo(demoStoreAge-60, -1), demoUser, func(act store.Act) error {
		_, err := s.SetScope("dev/", []string{demoUser, "bob", "carol"}, id, act)
		return err
	})
	// dave reads stg/kafka/ for a while; removing him re-seals those
	// secrets to the others and marks them exposed.
	add(daysAgo(demoDaveJoins, 0), demoUser, func(act store.Act) error {
		_, err := s.AddMember("dave", teammates["dave"], []string{"stg/kafka/"}, id, act)
		return err
	})
	add(daysAgo(demoDaveLeaves, 0), demoUser, func(act store.Act) error {
		_, err := s.RemoveMember("dave", id, act)
		return err
	})
	add(daysAgo(demoDaveLeaves, -1), demoUser, func(act store.Act) error {
		_, err := s.RemoveScope("stg/kafka/", id, act)
		return err
	})

	for i, d := range demoSecrets() {
		author := d.by
		if author == "" {
			author = demoUser
		}
		if len(d.days) == 0 {
			add(daysAgo(3, 2), demoUser, func(act store.Act) error { return seedNoValue(s, d, act) })
			continue
		}
		for j, days := range d.days {
			// A few hours' spread within the day, so that not every value
			// was set on the hour.
			at := daysAgo(days, time.Duration((i*5+j*3)%9+1)).Add(-time.Duration(i*7%60) * time.Minute)
			first := j == 0
			add(at, author, func(act store.Act) error {
				value, err := d.value()
				if err != nil {
					return err
				}
				_, _, err = s.SetValue(d.path, value, act, func(sec *inventory.Secret, created bool) error {
					if !first {
						return nil
					}
					every, err := inventory.ParseEvery(d.every)
					if err != nil {
						return err
					}
					sec.Owner, sec.Description, sec.Rotation.Every = d.owner, d.description, every
					sec.Tags = slices.Clone(d.tags)
					return nil
				})
				clear(value)
				return err
			})
			if first && d.runbook != "" {
				add(at.Add(2*time.Hour), demoUser, func(act store.Act) error {
					_, err := s.Edit(d.path, act, func(sec *inventory.Secret) error {
						if _, err := s.Runbook(d.runbook); err != nil {
							return err
						}
						sec.Rotation.Runbook = d.runbook
						return nil
					})
					return err
				})
			}
		}
		if d.pending > 0 {
			add(now.Add(-time.Duration(d.pending)*time.Hour), demoUser, func(act store.Act) error {
				return seedPending(s, d, act)
			})
		}
	}

	addHistory(s, ids, add, daysAgo)

	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at.Before(steps[j].at) })
	for _, st := range steps {
		if err := st.do(store.Act{Actor: st.actor, Now: st.at}); err != nil {
			return nil, nil, fmt.Errorf("demo inventory: %w", err)
		}
	}
	return s, id, nil
}

// demoStep is one change of the demo's history, replayed in time order.
type demoStep struct {
	at    time.Time
	actor string
	do    func(store.Act) error
}

// addHistory adds the members' reads and the rotations to the steps.
func addHistory(s *store.Store, ids map[string]*crypto.Identity, add func(time.Time, string, func(store.Act) error), daysAgo func(int, time.Duration) time.Time) {
	for i, r := range demoReads() {
		for j, days := range r.days {
			// Spread over the day, so that no two reads share a time.
			at := daysAgo(days, time.Duration(9+(i*3+j*5)%8)).Add(-time.Duration(i*11%60) * time.Minute)
			if r.nightly {
				at = daysAgo(days, 7).Add(time.Duration(i) * time.Minute)
			}
			add(at, r.by, func(act store.Act) error { return seedRead(s, r, ids[r.by], act) })
		}
	}
	for _, r := range demoRotations() {
		run := &rotationRun{s: s, ids: ids, r: r, value: valueOf(r.path)}
		start := daysAgo(r.days, 6)
		add(start, r.by, run.start)
		switch {
		case r.approver != "":
			add(start.Add(2*time.Hour), r.approver, run.approve)
			add(start.Add(3*time.Hour), r.by, run.resume)
		case r.finisher != "":
			add(start.Add(22*time.Hour), r.finisher, run.resume)
		}
	}
}

// valueOf makes the values of path, as demoSecrets says.
func valueOf(path string) func() ([]byte, error) {
	for _, d := range demoSecrets() {
		if d.path == path {
			return d.value
		}
	}
	return func() ([]byte, error) { return nil, fmt.Errorf("%s is not a secret of the demo", path) }
}

// seedNoValue registers a secret whose value is still to come.
func seedNoValue(s *store.Store, d demoSecret, act store.Act) error {
	every, err := inventory.ParseEvery(d.every)
	if err != nil {
		return err
	}
	_, err = s.Create(d.path, act, func(sec *inventory.Secret) error {
		sec.Owner, sec.Description, sec.Tags = d.owner, d.description, slices.Clone(d.tags)
		sec.Rotation = inventory.Rotation{Every: every, Runbook: d.runbook}
		return nil
	})
	return err
}

// seedPending starts a rotation: a new value staged as a pending version
// next to the current one.
func seedPending(s *store.Store, d demoSecret, act store.Act) error {
	value, err := d.value()
	if err != nil {
		return err
	}
	_, _, err = s.Stage(d.path, value, act)
	clear(value)
	return err
}

// Values of the demo's secrets, random but shaped like the real thing.

func demoGen(length int, charset string) func() ([]byte, error) {
	return func() ([]byte, error) { return crypto.Generate(length, charset) }
}

func demoPrefixed(prefix string, length int, charset string) func() ([]byte, error) {
	return func() ([]byte, error) {
		v, err := crypto.Generate(length, charset)
		return append([]byte(prefix), v...), err
	}
}

// demoAWSAccessKey looks like an AWS access key ID: AKIA and 16 upper-case
// letters and digits.
func demoAWSAccessKey() ([]byte, error) {
	v, err := crypto.Generate(16, "alnum")
	return []byte("AKIA" + strings.ToUpper(string(v))), err
}

// demoFernetKey looks like a Fernet key: 32 bytes in URL-safe base64.
func demoFernetKey() ([]byte, error) {
	v, err := crypto.Generate(43, "alnum")
	return append(v, '='), err
}

// demoPEM looks like a PEM private key: size random bytes in base64.
func demoPEM(label string, size int) func() ([]byte, error) {
	return func() ([]byte, error) {
		der := make([]byte, size)
		if _, err := rand.Read(der); err != nil {
			return nil, err
		}
		return []byte(PEM(label, der)), nil
	}
}

// demoGCPKey looks like a Google Cloud service account key file.
func demoGCPKey() ([]byte, error) {
	keyID, err := crypto.Generate(40, "hex")
	if err != nil {
		return nil, err
	}
	clientID, err := crypto.Generate(21, "digits")
	if err != nil {
		return nil, err
	}
	pem, err := demoPEM("PRIVATE KEY", 402)() // 9 lines
	if err != nil {
		return nil, err
	}
	return ServiceAccountKey("acme-marketing-analytics", "bq-export", string(keyID), string(pem), string(clientID)), nil
}
